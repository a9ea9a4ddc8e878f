package io.holmes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration of one {@link Holmes}, checked and complete: every default filled in, every trigger with its
 * rule. {@link Holmes.Builder#build()} makes it; {@link Holmes#config()} returns it with the run-time changes made
 * since ({@link Holmes#setCollectInterval}, {@link Holmes#setRule}, {@link Holmes#enable}, {@link Holmes#setCpuMax}).
 * Immutable.
 *
 * @param collectInterval       how often readings are taken
 * @param cpuCores              denominator of the CPU %
 * @param memoryLimit           denominator of the heap %, in bytes
 * @param rssLimit              denominator of the rss %, in bytes
 * @param dumpPath              the dump directory
 * @param samplingTime          length of a CPU or allocation capture
 * @param cpuSamplingInterval   CPU time between two samples of a thread during a CPU capture
 * @param allocSamplingInterval bytes between two allocation samples during a MEM capture; 0 = chosen per capture
 *                              from the allocation rate
 * @param heapDump              whether MEM captures also write an {@code .hprof}
 * @param lookBack              how far back every event looks; {@link Duration#ZERO} = off
 * @param cpuMax                CPU % at or above which no capture starts; 0 = off
 * @param triggers              every trigger in the order they are read: {@code cpu}, {@code mem}, {@code thread}
 *                              (always present, on or off), then the other built-ins configured, then the user's
 * @param enabledTriggers       the names of the triggers whose rule fires
 * @param maxEvents             events the dump directory keeps
 * @param maxBytes              bytes the dump directory keeps
 * @param reporterQueueCapacity events that may wait for slow reporters
 * @param closeTimeout          how long stopping waits for captures and reporters
 * @param reporters             the reporters, in the order they are called
 */
public record HolmesConfig(Duration collectInterval, double cpuCores, long memoryLimit, long rssLimit, Path dumpPath,
                           Duration samplingTime, Duration cpuSamplingInterval, long allocSamplingInterval,
                           boolean heapDump, Duration lookBack, int cpuMax, List<Trigger> triggers,
                           Set<String> enabledTriggers, int maxEvents, long maxBytes, int reporterQueueCapacity,
                           Duration closeTimeout, List<ProfileReporter> reporters) {

    /**
     * Copies the collections, so that the record is immutable. Values are not range-checked here:
     * {@link Holmes.Builder#build()} checks them before it makes one.
     *
     * @param collectInterval       how often readings are taken; not {@code null}
     * @param cpuCores              denominator of the CPU %
     * @param memoryLimit           denominator of the heap %, in bytes
     * @param rssLimit              denominator of the rss %, in bytes
     * @param dumpPath              the dump directory; not {@code null}
     * @param samplingTime          length of a CPU or allocation capture; not {@code null}
     * @param cpuSamplingInterval   CPU time between two samples of a thread; not {@code null}
     * @param allocSamplingInterval bytes between two allocation samples; 0 = chosen per capture
     * @param heapDump              whether MEM captures also write an {@code .hprof}
     * @param lookBack              how far back every event looks; not {@code null}
     * @param cpuMax                CPU % at or above which no rule fires; 0 = off
     * @param triggers              every trigger in the order they are read; copied
     * @param enabledTriggers       the names of the triggers whose rule fires; copied, order kept
     * @param maxEvents             events the dump directory keeps
     * @param maxBytes              bytes the dump directory keeps
     * @param reporterQueueCapacity events that may wait for slow reporters
     * @param closeTimeout          how long stopping waits; not {@code null}
     * @param reporters             the reporters, in the order they are called; copied
     */
    public HolmesConfig {
        Objects.requireNonNull(collectInterval, "collectInterval");
        Objects.requireNonNull(dumpPath, "dumpPath");
        Objects.requireNonNull(samplingTime, "samplingTime");
        Objects.requireNonNull(cpuSamplingInterval, "cpuSamplingInterval");
        Objects.requireNonNull(lookBack, "lookBack");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        triggers = List.copyOf(triggers);
        enabledTriggers = Collections.unmodifiableSet(new LinkedHashSet<>(enabledTriggers));
        reporters = List.copyOf(reporters);
    }

    /**
     * The trigger named {@code name}, if there is one, with the rule in force when this snapshot was taken.
     *
     * @param name a trigger name such as {@code cpu} or {@code checkout-p99}
     * @return the trigger, or empty when none has that name
     */
    public Optional<Trigger> trigger(String name) {
        for (Trigger t : triggers) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The rule of the trigger named {@code name}, whether or not it is on.
     *
     * @param name a trigger name from {@link #triggerNames()}
     * @return the trigger's rule
     * @throws IllegalArgumentException when no trigger has that name
     */
    public Rule rule(String name) {
        return trigger(name).orElseThrow(() -> new IllegalArgumentException("no trigger named '" + name + "'")).rule();
    }

    /**
     * Whether the trigger named {@code name} fires.
     *
     * @param name a trigger name
     * @return true when it is on; false when it is off or no trigger has that name
     */
    public boolean isEnabled(String name) {
        return enabledTriggers.contains(name);
    }

    /** {@return the names of all triggers, on or off, in the order they are read} */
    public List<String> triggerNames() {
        List<String> names = new ArrayList<>(triggers.size());
        for (Trigger t : triggers) {
            names.add(t.name());
        }
        return names;
    }

    /** A short description for logs: every value but the reporters, which are counted. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("HolmesConfig{collectInterval=").append(collectInterval)
                .append(", cpuCores=").append(cpuCores)
                .append(", memoryLimit=").append(memoryLimit)
                .append(", rssLimit=").append(rssLimit)
                .append(", dumpPath=").append(dumpPath)
                .append(", samplingTime=").append(samplingTime)
                .append(", cpuSamplingInterval=").append(cpuSamplingInterval)
                .append(", allocSamplingInterval=").append(allocSamplingInterval == 0 ? "auto" : allocSamplingInterval)
                .append(", heapDump=").append(heapDump)
                .append(", lookBack=").append(lookBack)
                .append(", cpuMax=").append(cpuMax)
                .append(", triggers=[");
        for (int i = 0; i < triggers.size(); i++) {
            Trigger t = triggers.get(i);
            s.append(i == 0 ? "" : ", ").append(t).append(isEnabled(t.name()) ? "" : " off");
        }
        return s.append("], dumpBudget=").append(maxEvents).append(" events/").append(maxBytes).append(" bytes")
                .append(", reporterQueueCapacity=").append(reporterQueueCapacity)
                .append(", closeTimeout=").append(closeTimeout)
                .append(", reporters=").append(reporters.size())
                .append('}').toString();
    }
}
