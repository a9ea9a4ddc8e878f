package io.holmes.benchmarks;

import io.holmes.BenchmarkAccess;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Rule;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The reference workload (serialise and hash small objects, on every core) under each profiling setup:
 * <ul>
 *   <li>{@code none}: nothing attached (also the mode the Pyroscope agent runs in: it is a JVM argument);</li>
 *   <li>{@code holmes-1s}, {@code holmes-100ms}: Holmes idle, every rule enabled, no capture firing;</li>
 *   <li>{@code capture-cpu}: Holmes taking CPU captures back to back for the whole measurement;</li>
 *   <li>{@code capture-cpu-alloc}: the same with CPU and allocation profiling in one session, plus the class
 *       histogram of each MEM capture.</li>
 * </ul>
 * {@link OverheadMain} runs each in its own forks and prints throughput ratios against {@code none}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class OverheadBenchmark {

    @Param({"none", "holmes-1s", "holmes-100ms", "capture-cpu", "capture-cpu-alloc"})
    public String mode;

    private Holmes holmes;
    private Thread capturer;
    private volatile boolean capturing;
    private final AtomicInteger captures = new AtomicInteger();
    private long startedNanos;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (mode.equals("none")) {
            return;
        }
        Duration interval = mode.equals("holmes-1s") ? Duration.ofSeconds(1) : Duration.ofMillis(100);
        holmes = Holmes.builder()
                .collectInterval(interval)
                .dumpPath(Files.createTempDirectory("holmes-overhead"))
                .samplingTime(Duration.ofSeconds(5))
                // Enabled, with thresholds this steady workload never reaches: the idle cost of watching.
                .cpuDump(50, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .memDump(50, 100, 95, Duration.ofMinutes(1))
                .threadDump(200, 100, 5_000, 0, Duration.ofMinutes(1))
                .build()
                .start();
        startedNanos = System.nanoTime();
        if (mode.startsWith("capture-")) {
            DumpType[] types = mode.equals("capture-cpu") ? new DumpType[] {DumpType.CPU}
                    : new DumpType[] {DumpType.CPU, DumpType.MEM};
            capturing = true;
            capturer = new Thread(() -> captureContinuously(types), "benchmark-capturer");
            capturer.setDaemon(true);
            capturer.start();
        }
    }

    private void captureContinuously(DumpType[] types) {
        while (capturing) {
            List<CompletableFuture<DumpEvent>> results = BenchmarkAccess.captureTogether(holmes, types);
            for (CompletableFuture<DumpEvent> result : results) {
                try {
                    result.get(60, TimeUnit.SECONDS);
                    captures.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (holmes == null) {
            return;
        }
        capturing = false;
        long holmesCpuNanos = holmesThreadsCpuNanos();
        long wallNanos = System.nanoTime() - startedNanos;
        holmes.close();
        if (capturer != null) {
            capturer.join(10_000);
        }
        // Printed into the JMH log: idle modes must have captured nothing, capture modes something.
        System.out.printf("%n[%s] captures completed: %d, ticks: %d, CPU time of Holmes' threads: %.1f ms in %.1f s"
                        + " (%.4f %% of one core)%n", mode, captures.get(), holmes.ticks(), holmesCpuNanos / 1e6,
                wallNanos / 1e9, 100.0 * holmesCpuNanos / wallNanos);
    }

    /** CPU time used so far by Holmes' own threads (collector, capture, reporter), which are all named holmes-*. */
    private static long holmesThreadsCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("holmes-")) {
                long cpu = threads.getThreadCpuTime(t.getId());
                total += Math.max(0, cpu);
            }
        }
        return total;
    }

    @Benchmark
    public long serialiseAndHash() {
        return Workload.serialiseAndHash();
    }
}
