package io.holmes.internal.capture;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/**
 * How fast this JVM allocates, measured over a short window, and the allocation sampling interval that keeps a
 * capture at a bounded number of samples per second whatever that rate.
 *
 * <p>The JVM counts the bytes each thread allocates (TLAB-accurate, kept up to date by the allocating thread at
 * no extra cost). On JDK 21 and later {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes} returns
 * the process total in one call, terminated threads included; it is looked up by reflection, as Holmes is built for
 * Java 17. On JDK 17 the window reads every live thread's count twice and adds the per-thread differences, so a
 * thread that ends inside the window loses only its last bytes. Either read costs microseconds, far less than one
 * allocation sample, and walks no heap; GC or memory-pool deltas were not used because a collection inside the
 * window hides what was allocated before it.
 */
final class AllocationRate {

    /** Allocation samples per second a capture aims at, at most. */
    static final long TARGET_SAMPLES_PER_SECOND = 200;
    /** The smallest interval chosen: below {@code TARGET * MIN_INTERVAL} bytes a second (100 MiB/s) it is fixed. */
    static final long MIN_INTERVAL = 512 * 1024;
    /** The largest interval async-profiler is given. */
    static final long MAX_INTERVAL = 1024L * 1024 * 1024;

    private AllocationRate() {
    }

    /**
     * Bytes per second allocated by this JVM over {@code windowMillis}, or -1 when the JVM does not count
     * allocations per thread.
     */
    static long measure(long windowMillis) throws InterruptedException {
        Meter meter = Meter.start();
        Thread.sleep(windowMillis);
        return meter.bytesPerSecond();
    }

    /** Allocation counted from {@link #start()} on. */
    static final class Meter {
        private final com.sun.management.ThreadMXBean counts;
        private final Method total;
        private final long totalBefore;
        private final Map<Long, Long> perThreadBefore;
        private final long started;

        private Meter(com.sun.management.ThreadMXBean counts, Method total, long totalBefore,
                      Map<Long, Long> perThreadBefore) {
            this.counts = counts;
            this.total = total;
            this.totalBefore = totalBefore;
            this.perThreadBefore = perThreadBefore;
            this.started = System.nanoTime();
        }

        /** Starts counting; a meter of a JVM that does not count allocations reports -1. */
        static Meter start() {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            if (!(mx instanceof com.sun.management.ThreadMXBean counts) || !counts.isThreadAllocatedMemorySupported()
                    || !counts.isThreadAllocatedMemoryEnabled()) {
                return new Meter(null, null, -1, null);
            }
            Method total = totalMethod();
            if (total != null) {
                try {
                    long before = (long) total.invoke(counts);
                    if (before >= 0) {
                        return new Meter(counts, total, before, null);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // Fall back to the per-thread sum.
                }
            }
            return new Meter(counts, null, -1, perThread(counts));
        }

        /** Bytes per second since {@link #start()}, or -1 when unknown. */
        long bytesPerSecond() {
            long nanos = System.nanoTime() - started;
            if (counts == null) {
                return -1;
            }
            if (total != null) {
                try {
                    return perSecond((long) total.invoke(counts) - totalBefore, nanos);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return -1;
                }
            }
            long allocated = 0;
            for (Map.Entry<Long, Long> e : perThread(counts).entrySet()) {
                allocated += e.getValue() - perThreadBefore.getOrDefault(e.getKey(), 0L);
            }
            return perSecond(allocated, nanos);
        }
    }

    /**
     * The interval for {@code bytesPerSecond}: {@code rate / TARGET_SAMPLES_PER_SECOND}, at least
     * {@link #MIN_INTERVAL} and at most {@link #MAX_INTERVAL}; {@link #MIN_INTERVAL} when the rate is unknown.
     */
    static long interval(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            return MIN_INTERVAL;
        }
        return Math.max(MIN_INTERVAL, Math.min(MAX_INTERVAL, bytesPerSecond / TARGET_SAMPLES_PER_SECOND));
    }

    private static long perSecond(long bytes, long nanos) {
        return nanos <= 0 ? -1 : Math.max(0, (long) (bytes * 1e9 / nanos));
    }

    private static Map<Long, Long> perThread(com.sun.management.ThreadMXBean counts) {
        long[] ids = counts.getAllThreadIds();
        long[] bytes = counts.getThreadAllocatedBytes(ids);
        Map<Long, Long> map = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                map.put(ids[i], bytes[i]);
            }
        }
        return map;
    }

    private static Method totalMethod() {
        try {
            return com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
        } catch (NoSuchMethodException beforeJdk21) {
            return null;
        }
    }
}
