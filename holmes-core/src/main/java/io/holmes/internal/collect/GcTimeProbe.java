package io.holmes.internal.collect;

import io.holmes.DumpType;
import io.holmes.Probe;
import io.holmes.Rule;
import io.holmes.Trigger;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The {@code gc-time} reading: the share of wall time spent in garbage collection pauses since the previous
 * reading, in percent, from the collectors' accumulated collection times. Beans that count concurrent cycles
 * rather than pauses ({@code G1 Concurrent GC}, ZGC's and Shenandoah's {@code ... Cycles}) are left out, since their
 * time runs beside the application. Allocation-free per reading; not thread-safe (the collector is its only caller).
 */
public final class GcTimeProbe implements Probe, ProbeLifecycle {

    /**
     * The {@code gc-time} trigger ({@code Holmes.Builder.gcTimeDump}): a GC storm is best explained by where the
     * CPU went and who allocated, so it captures CPU and MEM in one profiling session. Default rule 10/100/50 %,
     * 5 minutes.
     */
    public static final BuiltInTriggers.Spec TRIGGER = new BuiltInTriggers.Spec(Trigger.GC_TIME, "gcTimeDump",
            EnumSet.of(DumpType.CPU, DumpType.MEM), Rule.of(10, 100, 50, 0, Duration.ofMinutes(5)),
            c -> new GcTimeProbe(c.nanoTime()));

    private final GarbageCollectorMXBean[] collectors;
    private final LongSupplier nanoTime;
    private long lastGcMillis = -1;
    private long lastWallNanos;

    public GcTimeProbe(LongSupplier nanoTime) {
        this(ManagementFactory.getGarbageCollectorMXBeans(), nanoTime);
    }

    GcTimeProbe(List<GarbageCollectorMXBean> beans, LongSupplier nanoTime) {
        List<GarbageCollectorMXBean> pauses = new ArrayList<>();
        for (GarbageCollectorMXBean bean : beans) {
            if (countsPauses(bean.getName())) {
                pauses.add(bean);
            }
        }
        this.collectors = pauses.toArray(new GarbageCollectorMXBean[0]);
        this.nanoTime = nanoTime;
    }

    /** Whether the collector bean named {@code name} accumulates stop-the-world pause time. */
    static boolean countsPauses(String name) {
        return !name.equals("G1 Concurrent GC") && !name.endsWith(" Cycles");
    }

    @Override
    public void open() {
        lastGcMillis = gcMillis();
        lastWallNanos = nanoTime.getAsLong();
    }

    @Override
    public void close() {
        lastGcMillis = -1;
    }

    @Override
    public long read() {
        long gc = gcMillis();
        long wall = nanoTime.getAsLong();
        long previousGc = lastGcMillis;
        long previousWall = lastWallNanos;
        lastGcMillis = gc;
        lastWallNanos = wall;
        if (previousGc < 0 || wall <= previousWall) {
            return ProcessProbe.NO_READING;
        }
        return percent(gc - previousGc, wall - previousWall);
    }

    /** GC milliseconds as a rounded percentage of a wall-time span in nanoseconds; never negative. */
    static long percent(long gcMillis, long wallNanos) {
        if (gcMillis <= 0 || wallNanos <= 0) {
            return 0;
        }
        return Math.round(gcMillis * 1_000_000.0 * 100 / wallNanos);
    }

    private long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            long time = collector.getCollectionTime();
            if (time > 0) {
                total += time;
            }
        }
        return total;
    }
}
