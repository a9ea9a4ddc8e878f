package io.holmes.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.holmes.BenchmarkAccess;
import io.holmes.Holmes;
import io.holmes.Rule;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One collection tick (three readings, three rule decisions, the bookkeeping around them) against the floor: the
 * same three raw MXBean reads and nothing else; and a tick with every built-in trigger (cpu, mem, thread, gc-heap,
 * gc-time, rss) against the raw reads those six need. Every rule is enabled with a min no reading reaches, so each
 * decision ends where most real ticks end, below min, and nothing is captured. (With an average of 0, any reading
 * at or above min is a jump, so "runs every step but never fires" cannot be arranged for an idle metric.) Run with
 * {@code -prof gc} for bytes per tick.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class TickBenchmark {

    private Holmes holmes;
    private Holmes allTriggers;
    private OperatingSystemMXBean os;
    private GarbageCollectorMXBean[] collectors;
    private RandomAccessFile statm;
    private final byte[] statmBuffer = new byte[256];
    private Runtime runtime;
    private ThreadMXBean threads;

    @Setup
    public void setUp() throws Exception {
        holmes = BenchmarkAccess.steppingClock(Holmes.builder(), Duration.ofMillis(100))
                // The scheduled collector stays out of the way; the benchmark thread ticks.
                .collectInterval(Duration.ofHours(1))
                .dumpPath(Files.createTempDirectory("holmes-tick"))
                .cpuDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .memDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .threadDump(Integer.MAX_VALUE, 100, Integer.MAX_VALUE, 0, Duration.ofMinutes(1))
                .build()
                .start();
        allTriggers = BenchmarkAccess.steppingClock(Holmes.builder(), Duration.ofMillis(100))
                .collectInterval(Duration.ofHours(1))
                .dumpPath(Files.createTempDirectory("holmes-tick-all"))
                .cpuDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .memDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .threadDump(Integer.MAX_VALUE, 100, Integer.MAX_VALUE, 0, Duration.ofMinutes(1))
                .gcHeapDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .gcTimeDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .rssDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .build()
                .start();
        collectors = ManagementFactory.getGarbageCollectorMXBeans().toArray(new GarbageCollectorMXBean[0]);
        statm = new RandomAccessFile("/proc/self/statm", "r");
        os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        runtime = Runtime.getRuntime();
        threads = ManagementFactory.getThreadMXBean();
    }

    @TearDown
    public void tearDown() throws IOException {
        holmes.close();
        allTriggers.close();
        statm.close();
    }

    @Benchmark
    public void rawReads(Blackhole bh) {
        bh.consume(os.getProcessCpuTime());
        bh.consume(System.nanoTime());
        bh.consume(runtime.totalMemory() - runtime.freeMemory());
        bh.consume(threads.getThreadCount());
    }

    @Benchmark
    public void tick() {
        BenchmarkAccess.tick(holmes);
    }

    /** The floor of a tick with every built-in trigger: the three reads above, the GC times, /proc/self/statm. */
    @Benchmark
    public void rawReadsAllTriggers(Blackhole bh) throws IOException {
        rawReads(bh);
        for (GarbageCollectorMXBean collector : collectors) {
            bh.consume(collector.getCollectionTime());
        }
        statm.seek(0);
        bh.consume(statm.read(statmBuffer, 0, statmBuffer.length));
    }

    @Benchmark
    public void tickAllTriggers() {
        BenchmarkAccess.tick(allTriggers);
    }
}
