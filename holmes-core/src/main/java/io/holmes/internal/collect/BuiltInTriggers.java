package io.holmes.internal.collect;

import io.holmes.DumpType;
import io.holmes.Probe;
import io.holmes.Trigger;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The built-in triggers beyond the original three: each one's name, the builder option that configures it, what it
 * captures and how its probe is made. Their readings are percentages, checked like the CPU and heap rules.
 */
public final class BuiltInTriggers {

    /** What a built-in probe may need from the configuration. */
    public record Context(long memoryLimit, long rssLimit, LongSupplier nanoTime) {
    }

    /** One built-in trigger. */
    public record Spec(String name, String option, Set<DumpType> captures, Function<Context, Probe> probe) {
    }

    public static final List<Spec> SPECS = List.of(
            new Spec(Trigger.GC_HEAP, "gcHeapDump", EnumSet.of(DumpType.MEM), c -> new GcHeapProbe(c.memoryLimit())),
            new Spec(Trigger.GC_TIME, "gcTimeDump", EnumSet.of(DumpType.CPU, DumpType.MEM),
                    c -> new GcTimeProbe(c.nanoTime())),
            new Spec(Trigger.RSS, "rssDump", EnumSet.of(DumpType.MEM), c -> new RssProbe(c.rssLimit())));

    private BuiltInTriggers() {
    }

    public static Spec spec(String name) {
        for (Spec spec : SPECS) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        throw new IllegalArgumentException("no built-in trigger " + name);
    }

    /** Whether {@code name} belongs to a built-in trigger, configured or not (users cannot take it). */
    public static boolean isReserved(String name) {
        for (DumpType type : DumpType.values()) {
            if (type.fileTag().equals(name)) {
                return true;
            }
        }
        for (Spec spec : SPECS) {
            if (spec.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
