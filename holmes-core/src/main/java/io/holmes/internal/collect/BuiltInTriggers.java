package io.holmes.internal.collect;

import io.holmes.DumpType;
import io.holmes.Probe;
import io.holmes.Rule;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The built-in triggers beyond the original three. Each is defined whole beside its probe (its name, the builder
 * option that configures it, what it captures, its default rule and how its probe is made: the {@code TRIGGER} of
 * {@link GcHeapProbe}, {@link GcTimeProbe}, {@link RssProbe}) and listed here once. Their readings are percentages,
 * checked like the CPU and heap rules.
 */
public final class BuiltInTriggers {

    /** What a built-in probe may need from the configuration. */
    public record Context(long memoryLimit, long rssLimit, LongSupplier nanoTime) {
    }

    /**
     * One built-in trigger.
     *
     * @param name        the trigger's name, also the events' {@code trigger}
     * @param option      the builder option that turns it on, under which its problems are reported
     * @param captures    what it captures when it fires
     * @param defaultRule what integrations fill unset thresholds from
     * @param probe       makes its probe from the configuration
     */
    public record Spec(String name, String option, Set<DumpType> captures, Rule defaultRule,
                       Function<Context, Probe> probe) {
    }

    /** Every built-in trigger beyond cpu, mem and thread, in the order they are read. */
    public static final List<Spec> SPECS = List.of(GcHeapProbe.TRIGGER, GcTimeProbe.TRIGGER, RssProbe.TRIGGER);

    private BuiltInTriggers() {
    }

    /** The built-in trigger named {@code name}; throws {@link IllegalArgumentException} when there is none. */
    public static Spec spec(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no built-in trigger " + name));
    }

    /** The built-in trigger named {@code name}, if there is one beyond cpu, mem and thread. */
    public static Optional<Spec> find(String name) {
        for (Spec spec : SPECS) {
            if (spec.name().equals(name)) {
                return Optional.of(spec);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code name} belongs to a built-in trigger, configured or not (users cannot take it). */
    public static boolean isReserved(String name) {
        for (DumpType type : DumpType.values()) {
            if (type.fileTag().equals(name)) {
                return true;
            }
        }
        return find(name).isPresent();
    }
}
