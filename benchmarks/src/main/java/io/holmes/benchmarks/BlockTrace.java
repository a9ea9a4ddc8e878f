package io.holmes.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where inside an "on" block of {@link PairedOverhead} the workload's threads pay: a daemon thread reads the
 * operation count and the workload threads' CPU time every 20 ms, and the report gives, for each 250 ms of time
 * since the start of "on" blocks, the workload's CPU time per operation and its operations per second against the
 * same readings over all "off" blocks. Enabled with {@code -Dpaired.trace=true}; its own thread runs in both kinds of
 * block alike.
 */
final class BlockTrace {

    static final boolean ENABLED = Boolean.getBoolean("paired.trace");

    private static final long PERIOD_NANOS = 20_000_000L;
    private static final long BUCKET_NANOS = 250_000_000L;

    private final LongAdder ops;
    private final List<Long> threads;
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Object lock = new Object();
    private long[] times = new long[1 << 16];
    private long[] opCounts = new long[1 << 16];
    private long[] cpuNanos = new long[1 << 16];
    private int size;
    private final List<long[]> blocks = new ArrayList<>(); // {start, end, on ? 1 : 0}

    BlockTrace(LongAdder ops, List<Long> threads) {
        this.ops = ops;
        this.threads = threads;
    }

    void start() {
        Thread reader = new Thread(() -> {
            long next = System.nanoTime();
            while (true) {
                read();
                next += PERIOD_NANOS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "block-trace");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        long cpu = 0;
        for (long id : threads) {
            cpu += Math.max(0, mx.getThreadCpuTime(id));
        }
        long count = ops.sum();
        long now = System.nanoTime();
        synchronized (lock) {
            if (size == times.length) {
                times = java.util.Arrays.copyOf(times, size * 2);
                opCounts = java.util.Arrays.copyOf(opCounts, size * 2);
                cpuNanos = java.util.Arrays.copyOf(cpuNanos, size * 2);
            }
            times[size] = now;
            opCounts[size] = count;
            cpuNanos[size] = cpu;
            size++;
        }
    }

    void block(long start, long end, boolean on) {
        synchronized (lock) {
            blocks.add(new long[] {start, end, on ? 1 : 0});
        }
    }

    /** Prints the profile of the "on" blocks by 250 ms since their start, against the mean of the "off" blocks. */
    void report(String mode) {
        synchronized (lock) {
            double offOps = 0;
            double offCpu = 0;
            double offNanos = 0;
            int buckets = 0;
            for (long[] b : blocks) {
                buckets = Math.max(buckets, (int) ((b[1] - b[0]) / BUCKET_NANOS) + 1);
            }
            double[] onOps = new double[buckets];
            double[] onCpu = new double[buckets];
            double[] onNanos = new double[buckets];
            for (long[] b : blocks) {
                for (int i = 1; i < size; i++) {
                    if (times[i - 1] < b[0] || times[i] > b[1]) {
                        continue;
                    }
                    double dOps = opCounts[i] - opCounts[i - 1];
                    double dCpu = cpuNanos[i] - cpuNanos[i - 1];
                    double dt = times[i] - times[i - 1];
                    if (b[2] == 0) {
                        offOps += dOps;
                        offCpu += dCpu;
                        offNanos += dt;
                    } else {
                        int k = (int) ((times[i - 1] - b[0]) / BUCKET_NANOS);
                        onOps[k] += dOps;
                        onCpu[k] += dCpu;
                        onNanos[k] += dt;
                    }
                }
            }
            double offCpuPerOp = offCpu / offOps;
            double offRate = offOps / offNanos;
            StringBuilder out = new StringBuilder();
            out.append(String.format("%s: workload threads in \"on\" blocks by time since the block's start, against"
                    + " \"off\" blocks (CPU per op %.1f us, %.0f ops/s):%n", mode, offCpuPerOp / 1e3, offRate * 1e9));
            out.append("   from ms   CPU/op on/off   ops/s on/off   seconds read\n");
            for (int k = 0; k < buckets; k++) {
                if (onOps[k] == 0) {
                    continue;
                }
                out.append(String.format("   %7d   %13.4f   %12.4f   %12.1f%n", k * BUCKET_NANOS / 1_000_000,
                        onCpu[k] / onOps[k] / offCpuPerOp, onOps[k] / onNanos[k] / offRate, onNanos[k] / 1e9));
            }
            System.out.print(out);
        }
    }
}
