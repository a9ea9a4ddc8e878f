package io.holmes.internal.capture;

import io.holmes.internal.profiler.AsyncProfilerOwner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * For the capture-cost harness: what one sample costs the thread it is taken in. One thread runs {@code unit} in a
 * loop, in blocks alternately without a session and with one sampling far more often than a capture does
 * (allocations every {@code 32 KiB}, or CPU every 1 ms); the thread's own CPU time per unit, with minus without,
 * times the units of the sampled blocks, over the samples the recording holds, is the cost of one sample.
 * Thread CPU time is what the thread itself spent, so other processes on the machine enter it only through the
 * caches.
 */
public final class SampleCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile long sink;

    private SampleCost() {
    }

    /**
     * Nanoseconds of the sampled thread's CPU per sample: {@code [allocation, cpu]}.
     *
     * @param unit  one unit of the workload
     * @param pairs blocks of each kind
     * @param blockMillis length of one block
     */
    public static double[] perSample(LongSupplier unit, int pairs, long blockMillis) throws Exception {
        AsyncProfilerOwner owner = AsyncProfilerOwner.shared();
        Path dir = Files.createTempDirectory("holmes-sample-cost");
        double[] result = new double[2];
        for (int kind = 0; kind < 2; kind++) {
            double offNanos = 0;
            double offUnits = 0;
            double onNanos = 0;
            double onUnits = 0;
            long samples = 0;
            for (int p = 0; p < pairs; p++) {
                double[] off = block(unit, blockMillis);
                offNanos += off[0];
                offUnits += off[1];
                Path jfr = dir.resolve("s" + kind + "-" + p + ".jfr");
                AsyncProfilerOwner.Session session = kind == 0
                        ? owner.start(false, 0, 32 * 1024, jfr)
                        : owner.start(true, 1_000_000L, 0, jfr);
                double[] on = block(unit, blockMillis);
                session.close();
                onNanos += on[0];
                onUnits += on[1];
                RecordingSummary summary = RecordingSummary.ofAsyncProfiler(jfr, 32 * 1024);
                samples += kind == 0 ? summary.allocationSamples() : summary.cpuSamples();
                Files.delete(jfr);
            }
            double extraPerUnit = onNanos / onUnits - offNanos / offUnits;
            result[kind] = extraPerUnit * onUnits / samples;
            System.out.printf("  %s: %d samples, CPU per unit off %.0f ns, on %.0f ns: %.1f us per sample%n",
                    kind == 0 ? "allocation (32 KiB)" : "CPU (1 ms)", samples, offNanos / offUnits, onNanos / onUnits,
                    result[kind] / 1e3);
        }
        return result;
    }

    private static double[] block(LongSupplier unit, long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long t0 = THREADS.getCurrentThreadCpuTime();
        long units = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 64; i++) {
                sink += unit.getAsLong();
            }
            units += 64;
        }
        return new double[] {THREADS.getCurrentThreadCpuTime() - t0, units};
    }
}
