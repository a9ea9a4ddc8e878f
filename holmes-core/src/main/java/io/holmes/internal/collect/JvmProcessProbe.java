package io.holmes.internal.collect;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * Readings from this JVM's own MXBeans, chosen to be cheap and allocation-free on the collect tick:
 * process CPU time deltas (never {@code getProcessCpuLoad()}, whose window is shared with every other caller
 * and which answers -1 or 0 on first use), {@code Runtime} heap counters, and the live thread count.
 * Not thread-safe: the collector thread is its only caller.
 */
public final class JvmProcessProbe implements ProcessProbe {

    private final com.sun.management.OperatingSystemMXBean os;
    private final ThreadMXBean threads;
    private final Runtime runtime = Runtime.getRuntime();
    private final LongSupplier nanoTime;
    private final double cpuCores;
    private final long memoryLimit;

    private long lastCpuNanos = -1;
    private long lastWallNanos;

    /**
     * @param cpuCores    the denominator of the CPU %
     * @param memoryLimit the denominator of the heap %, in bytes
     * @param nanoTime    monotonic wall time, {@code System::nanoTime} outside tests
     */
    public JvmProcessProbe(double cpuCores, long memoryLimit, LongSupplier nanoTime) {
        java.lang.management.OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        this.os = bean instanceof com.sun.management.OperatingSystemMXBean
                ? (com.sun.management.OperatingSystemMXBean) bean
                : null;
        this.threads = ManagementFactory.getThreadMXBean();
        this.cpuCores = cpuCores;
        this.memoryLimit = memoryLimit;
        this.nanoTime = nanoTime;
    }

    @Override
    public void reset() {
        lastCpuNanos = os == null ? -1 : os.getProcessCpuTime();
        lastWallNanos = nanoTime.getAsLong();
    }

    @Override
    public int cpuPercent() {
        if (os == null) {
            throw new UnsupportedOperationException(
                    "this JVM has no com.sun.management.OperatingSystemMXBean, so process CPU time is unknown");
        }
        long cpu = os.getProcessCpuTime();
        long wall = nanoTime.getAsLong();
        if (cpu < 0) {
            throw new IllegalStateException("the JVM reports no process CPU time (" + cpu + ")");
        }
        long previousCpu = lastCpuNanos;
        long previousWall = lastWallNanos;
        lastCpuNanos = cpu;
        lastWallNanos = wall;
        if (previousCpu < 0 || wall <= previousWall) {
            return NO_READING;
        }
        return cpuPercent(cpu - previousCpu, wall - previousWall, cpuCores);
    }

    /** The CPU % formula, rounded to the nearest integer; never negative. */
    static int cpuPercent(long cpuNanos, long wallNanos, double cpuCores) {
        if (cpuNanos <= 0 || wallNanos <= 0) {
            return 0;
        }
        double percent = cpuNanos * 100.0 / (wallNanos * cpuCores);
        return percent >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.round(percent);
    }

    @Override
    public int heapPercent() {
        long used = runtime.totalMemory() - runtime.freeMemory();
        return percentOf(used, memoryLimit);
    }

    static int percentOf(long used, long limit) {
        if (used <= 0) {
            return 0;
        }
        double percent = used * 100.0 / limit;
        return percent >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.round(percent);
    }

    @Override
    public int threadCount() {
        return threads.getThreadCount();
    }
}
