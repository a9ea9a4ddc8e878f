package io.holmes.benchmarks;

import io.holmes.BenchmarkAccess;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Rule;
import io.holmes.internal.capture.AmplifiedLookBack;
import io.holmes.internal.capture.LookBackRecorder;
import io.holmes.internal.profiler.AsyncProfilerOwner;
import io.pyroscope.javaagent.PyroscopeAgent;
import io.pyroscope.javaagent.api.Logger;
import io.pyroscope.javaagent.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Overhead measured in pairs inside one JVM, so that JIT state, heap layout and the machine's slow drift cancel
 * out: the reference workload runs on every core without pause, and the profiler is switched off and on in
 * alternating blocks (ABBA order). Each pair gives one ratio, on-throughput over off-throughput; the result is
 * their mean with a 95 % confidence interval. On a noisy shared machine this resolves differences that
 * separate forks cannot.
 *
 * <p>Modes: {@code holmes-1s}, {@code holmes-100ms} (Holmes started/stopped, every rule enabled, nothing firing);
 * {@code holmes-1h} (started and stopped, but never ticking: the cost of the switch itself); {@code a-a} (the
 * harness against itself);
 * {@code look-back} (the look-back recording alone, running through the "on" block, its start-up excluded);
 * {@code look-back-xK} (the same recording with both sample rates multiplied by K, execution samples every 50/K ms
 * and allocation samples throttled to 50·K a second, started before and stopped after each "on" block by the
 * harness itself; it prints the events recorded per second of "on" block, counted after the last pair from dumps
 * taken outside the measurement; {@code look-back-x1} is the production recording on the same path);
 * {@code capture-cpu}, {@code capture-cpu-alloc} (a capture running through the whole "on" block, Holmes
 * idle at 100 ms in both; the allocation interval chosen from the allocation rate), {@code capture-cpu-alloc-512k},
 * {@code capture-cpu-alloc-2m} (the same with a fixed interval), {@code capture-cpu-alloc-look-back} (the same with
 * the default 30 s look-back: its recording runs in both blocks, and each capture also writes its window before
 * the trigger); {@code -Dworkload.hashRounds=N} lowers the
 * workload's allocation rate, which the harness prints; {@code session-cpu-alloc}, {@code session-cpu-alloc-512k}
 * (the async-profiler session of a CPU+MEM capture alone, no conversion or histogram); {@code pyroscope-agent} (the official agent, default continuous settings, started and
 * stopped in-process, uploading to a server that refuses connections).
 *
 * <p>Each run prints the change of CPU per op by thread group and each group's CPU per second in "on" and in "off"
 * blocks; {@code -Dpaired.trace=true} adds where in the "on" blocks the workload's threads pay ({@link BlockTrace}).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.holmes.benchmarks.PairedOverhead <mode> [pairs]
 * [block seconds]} (defaults 20 pairs of 3 s blocks).
 */
public final class PairedOverhead {


    private final LongAdder ops = new LongAdder();
    /** Where in a block the workload pays, with {@code -Dpaired.trace=true}. */
    private BlockTrace trace;
    /** Bytes per second the workload allocated in the latest "off" block. */
    private static volatile double lastOffAllocRate;
    /** CPU time of the profiler's own threads over all "on" blocks, and the length of those blocks. */
    private static final LongAdder profilerCpuNanos = new LongAdder();
    private static final LongAdder onNanos = new LongAdder();
    /** Process CPU time over all "on" blocks, to put the profiler's threads in proportion. */
    private static final LongAdder onProcessCpuNanos = new LongAdder();

    private PairedOverhead() {
    }

    interface Switch {
        /** Runs one "on" block of about {@code block} and returns its real length in nanoseconds. */
        long on(Duration block) throws Exception;

        /** Runs before an "on" block, outside the measurement: start-up that the mode does not count. */
        default void prepare() throws Exception {
        }

        /** Runs after an "on" block, outside the measurement. */
        default void release() {
        }

        default void close() {
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "holmes-100ms";
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Duration block = Duration.ofSeconds(args.length > 2 ? Integer.parseInt(args[2]) : 3);
        new PairedOverhead().run(mode, pairs, block);
    }

    private void run(String mode, int pairs, Duration block) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        for (Thread worker : Workload.startOnEveryCore(ops)) {
            WORKLOAD_THREADS.add(worker.getId());
        }
        Switch profiler = switchFor(mode, block);
        if (BlockTrace.ENABLED) {
            trace = new BlockTrace(ops, WORKLOAD_THREADS);
            trace.start();
        }
        Thread.sleep(10_000); // JIT warm-up of the workload
        lastOffAllocRate = measure(() -> sleep(Duration.ofSeconds(1)), false)[2];
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> offAllocRates = new ArrayList<>();
        List<Double> offCpuRates = new ArrayList<>();
        List<List<Double>> groupShares = new ArrayList<>();
        // Each group's CPU milliseconds per second of block, "on" and "off": work a capture sets off that runs on
        // into the next block (the JIT's queue) lands in an "off" block, where the per-op difference cannot see it.
        double[][] groupMillisPerSecond = new double[2][ProcThreads.GROUPS.size()];
        for (int g = 0; g < ProcThreads.GROUPS.size(); g++) {
            groupShares.add(new ArrayList<>());
        }
        for (int p = 0; p < pairs; p++) {
            double[] off;
            double[] on;
            if (p % 2 == 0) {
                off = measure(() -> sleep(block), false);
                lastOffAllocRate = off[2];
                profiler.prepare();
                on = measure(() -> profiler.on(block), true);
                profiler.release();
            } else {
                profiler.prepare();
                on = measure(() -> profiler.on(block), true);
                profiler.release();
                off = measure(() -> sleep(block), false);
                lastOffAllocRate = off[2];
            }
            onProcessCpuNanos.add((long) on[3]);
            ratios.add(on[0] / off[0]);
            cpuRatios.add(on[1] / off[1]);
            offAllocRates.add(off[2]);
            offCpuRates.add(off[0] * off[1]);
            for (int g = 0; g < groupShares.size(); g++) {
                // The group's CPU per op, on minus off, as a share of the whole process's CPU per op while off.
                groupShares.get(g).add((on[4 + g] - off[4 + g]) / off[1]);
                groupMillisPerSecond[0][g] += on[4 + g] * on[0] / 1e6 / pairs;
                groupMillisPerSecond[1][g] += off[4 + g] * off[0] / 1e6 / pairs;
            }
        }
        double[] offCpuPerSecond = meanAndCi(offCpuRates);
        System.out.printf("%s: process CPU while off = %.3f ± %.3f cores%n", mode, offCpuPerSecond[0] / 1e9,
                offCpuPerSecond[1] / 1e9);
        StringBuilder groups = new StringBuilder();
        for (int g = 0; g < groupShares.size(); g++) {
            double[] share = meanAndCi(groupShares.get(g));
            groups.append(String.format(" %s %+.2f %% ± %.2f;", ProcThreads.GROUPS.get(g), 100 * share[0],
                    100 * share[1]));
        }
        System.out.printf("%s: CPU per op, on minus off, by thread group, in %% of the process's CPU per op while"
                + " off:%s%n", mode, groups);
        StringBuilder perSecond = new StringBuilder();
        for (int g = 0; g < ProcThreads.GROUPS.size(); g++) {
            perSecond.append(String.format(" %s %.1f on, %.1f off;", ProcThreads.GROUPS.get(g),
                    groupMillisPerSecond[0][g], groupMillisPerSecond[1][g]));
        }
        System.out.printf("%s: CPU ms per second of block, by thread group:%s%n", mode, perSecond);
        profiler.close();
        if (trace != null) {
            trace.report(mode);
        }
        double[] throughput = meanAndCi(ratios);
        double[] cpu = meanAndCi(cpuRatios);
        double[] alloc = meanAndCi(offAllocRates);
        System.out.printf("%s: workload allocation rate while off = %.0f ± %.0f MB/s (workload.hashRounds=%d)%n", mode,
                alloc[0] / 1e6, alloc[1] / 1e6, Workload.HASH_ROUNDS);
        System.out.printf("%s: %d pairs of %d s blocks on %d threads; throughput on/off = %.4f ± %.4f (95%% CI);"
                        + " process CPU per op on/off = %.4f ± %.4f%n", mode, ratios.size(), block.toSeconds(), cores,
                throughput[0], throughput[1], cpu[0], cpu[1]);
        if (onNanos.sum() > 0) {
            System.out.printf("%s: CPU time of %s: %.2f ms over %.0f s switched on = %.4f %% of one"
                            + " core (%.4f %% of the machine, %.4f %% of the process's CPU while on)%n", mode,
                    mode.startsWith("look-back") ? "Flight Recorder's threads and holmes-look-back"
                            : "Holmes' own threads", profilerCpuNanos.sum() / 1e6, onNanos.sum() / 1e9,
                    100.0 * profilerCpuNanos.sum() / onNanos.sum(), 100.0 * profilerCpuNanos.sum() / onNanos.sum() / cores,
                    100.0 * profilerCpuNanos.sum() / onProcessCpuNanos.sum());
        }
        System.exit(0);
    }

    @FunctionalInterface
    interface Block {
        long run() throws Exception;
    }

    /**
     * One block: ops per second, process CPU time per op, bytes per second allocated by the workload threads, and
     * the process CPU time of the block, then the CPU time per op of each group of {@link ProcThreads#GROUPS}
     * (from {@code /proc}, 10 ms resolution). CPU per op is the steadier of the first two on a shared machine: a
     * neighbour that steals the CPU lowers throughput but not the CPU the work itself takes.
     */
    private double[] measure(Block block, boolean on) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long before = ops.sum();
        long cpuBefore = os.getProcessCpuTime();
        long allocatedBefore = workloadAllocatedBytes();
        long[] groupsBefore = ProcThreads.cpuNanosByGroup();
        long started = System.nanoTime();
        block.run();
        long nanos = System.nanoTime() - started;
        if (trace != null) {
            trace.block(started, started + nanos, on);
        }
        long done = ops.sum() - before;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long[] groupsAfter = ProcThreads.cpuNanosByGroup();
        double[] result = new double[4 + groupsAfter.length];
        result[0] = done * 1e9 / nanos;
        result[1] = cpu / (double) done;
        result[2] = (workloadAllocatedBytes() - allocatedBefore) * 1e9 / nanos;
        result[3] = cpu;
        for (int g = 0; g < groupsAfter.length; g++) {
            result[4 + g] = (groupsAfter[g] - groupsBefore[g]) / (double) done;
        }
        return result;
    }

    private static final List<Long> WORKLOAD_THREADS = new ArrayList<>();

    /** Bytes allocated so far by the workload threads, as the JVM counts them per thread. */
    private static long workloadAllocatedBytes() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long id : WORKLOAD_THREADS) {
            total += Math.max(0, threads.getThreadAllocatedBytes(id));
        }
        return total;
    }

    private static double[] meanAndCi(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double sd = Math.sqrt(values.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum() / (values.size() - 1));
        return new double[] {mean, 1.96 * sd / Math.sqrt(values.size())};
    }

    /** CPU time so far of the live threads whose name starts with {@code prefix}. */
    private static long threadsCpuNanos(String prefix) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                total += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    private static long sleep(Duration block) throws InterruptedException {
        Thread.sleep(block.toMillis());
        return block.toNanos();
    }

    private static Switch switchFor(String mode, Duration block) throws Exception {
        switch (mode) {
            case "a-a":
                // The harness against itself: "on" is the same sleep as "off". Its result is the harness's bias.
                return PairedOverhead::sleep;
            case "holmes-1h":
            case "holmes-1s":
            case "holmes-100ms": {
                Duration interval = mode.equals("holmes-1h") ? Duration.ofHours(1)
                        : mode.equals("holmes-1s") ? Duration.ofSeconds(1) : Duration.ofMillis(100);
                Holmes holmes = idleHolmes(interval, block);
                return new Switch() {
                    @Override
                    public long on(Duration b) throws InterruptedException {
                        holmes.start();
                        Thread.sleep(b.toMillis());
                        profilerCpuNanos.add(threadsCpuNanos("holmes-"));
                        onNanos.add(b.toNanos());
                        holmes.stop();
                        return b.toNanos();
                    }

                    @Override
                    public void close() {
                        holmes.close();
                    }
                };
            }
            case "look-back": {
                // The look-back recorder alone, start-up excluded: Holmes never ticks (1 h interval), the recording
                // is started before the "on" block is measured and stopped after it.
                Holmes holmes = Holmes.builder().collectInterval(Duration.ofHours(1))
                        .dumpPath(Files.createTempDirectory("holmes-paired")).lookBack(Duration.ofSeconds(30)).build();
                return new Switch() {
                    @Override
                    public void prepare() throws InterruptedException {
                        holmes.start();
                        while (!holmes.isLookBackRecording()) {
                            Thread.sleep(10);
                        }
                    }

                    @Override
                    public long on(Duration b) throws InterruptedException {
                        long jfr = ProcThreads.cpuNanos(ProcThreads::lookBackThread);
                        Thread.sleep(b.toMillis());
                        profilerCpuNanos.add(ProcThreads.cpuNanos(ProcThreads::lookBackThread) - jfr);
                        onNanos.add(b.toNanos());
                        return b.toNanos();
                    }

                    @Override
                    public void release() {
                        holmes.stop();
                    }

                    @Override
                    public void close() {
                        holmes.close();
                    }
                };
            }
            case "capture-cpu":
            case "capture-cpu-alloc":
            case "capture-cpu-alloc-512k":
            case "capture-cpu-alloc-2m":
            case "capture-cpu-alloc-look-back": {
                Holmes.Builder builder = idleBuilder(Duration.ofMillis(100), block);
                if (mode.endsWith("-2m")) {
                    builder.allocSamplingInterval(2 * 1024 * 1024);
                } else if (mode.endsWith("-512k")) {
                    builder.allocSamplingInterval(512 * 1024);
                } else if (mode.endsWith("-look-back")) {
                    builder.lookBack(Duration.ofSeconds(30)); // recording in both blocks; the window in "on" only
                }
                Holmes holmes = builder.build().start();
                if (mode.endsWith("-look-back")) {
                    // Each window full (30 s) and look-back's warm-up done before the first pair.
                    Thread.sleep(35_000);
                    while (!LookBackRecorder.isWarm()) {
                        Thread.sleep(100);
                    }
                }
                List<String> intervals = new ArrayList<>();
                DumpType[] types = mode.equals("capture-cpu") ? new DumpType[] {DumpType.CPU}
                        : new DumpType[] {DumpType.CPU, DumpType.MEM};
                return new Switch() {
                    @Override
                    public long on(Duration b) throws Exception {
                        for (CompletableFuture<DumpEvent> f : BenchmarkAccess.captureTogether(holmes, types)) {
                            DumpEvent event = f.get(2, TimeUnit.MINUTES);
                            if (event.type() == DumpType.MEM) {
                                intervals.add(event.details().get("samplingInterval") + " ("
                                        + event.details().get("samples") + " samples)");
                            }
                        }
                        return b.toNanos();
                    }

                    @Override
                    public void close() {
                        if (!intervals.isEmpty()) {
                            System.out.printf("%s: allocation sampling per MEM capture: %s%n", mode, intervals);
                        }
                        holmes.close();
                    }

                };
            }
            case "session-cpu-alloc":
            case "session-cpu-alloc-512k": {
                // The profiling session alone, as a CPU+MEM capture starts it (cpu at 10 ms, alloc with live), with
                // no conversion and no class histogram: the part of a capture's cost the sampling interval controls.
                // Auto: the interval Holmes would choose (rate / 200 samples a second, at least 512 KiB) from the
                // workload's allocation rate in the block before.
                AsyncProfilerOwner owner = AsyncProfilerOwner.shared();
                java.nio.file.Path dir = Files.createTempDirectory("holmes-session");
                List<String> intervals = new ArrayList<>();
                return new Switch() {
                    @Override
                    public long on(Duration b) throws Exception {
                        long interval = mode.endsWith("-512k") ? 512 * 1024
                                : Math.max(512 * 1024, (long) (lastOffAllocRate / 200));
                        intervals.add(Long.toString(interval));
                        java.nio.file.Path jfr = dir.resolve("session.jfr");
                        AsyncProfilerOwner.Session session = owner.start(true, 10_000_000L, interval, jfr);
                        Thread.sleep(b.toMillis());
                        session.close();
                        Files.deleteIfExists(jfr);
                        return b.toNanos();
                    }

                    @Override
                    public void close() {
                        System.out.printf("%s: allocation sampling intervals: %s%n", mode, intervals);
                    }
                };
            }
            case "pyroscope-agent": {
                Config config = new Config.Builder()
                        .setApplicationName("holmes-benchmark")
                        .setServerAddress("http://127.0.0.1:9")
                        .setLogLevel(Logger.Level.ERROR)
                        .build();
                return b -> {
                    PyroscopeAgent.start(config);
                    Thread.sleep(b.toMillis());
                    PyroscopeAgent.stop();
                    return b.toNanos();
                };
            }
            default:
                if (mode.startsWith("look-back-x")) {
                    return amplifiedLookBack(mode, Integer.parseInt(mode.substring("look-back-x".length())));
                }
                throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    /**
     * The look-back recording with both sample rates multiplied by {@code multiplier}, started before and stopped
     * after each "on" block. Each stopped recording is dumped (outside the measurement) and read after the last
     * pair, so that parsing it neither runs nor compiles code during a measured block.
     */
    private static Switch amplifiedLookBack(String mode, int multiplier) throws Exception {
        Duration lookBack = Duration.ofSeconds(30);
        Path dir = Files.createTempDirectory("holmes-paired-jfr"); // 0700 on POSIX
        // One start and stop before the workload's warm-up, so that Flight Recorder's first start-up (class
        // loading, its Java code's compilation) is over before the first pair.
        AmplifiedLookBack.start(lookBack, multiplier).stop(null);
        List<Path> dumps = new ArrayList<>();
        List<Instant[]> windows = new ArrayList<>();
        AmplifiedLookBack[] current = new AmplifiedLookBack[1];
        return new Switch() {
            @Override
            public void prepare() {
                current[0] = AmplifiedLookBack.start(lookBack, multiplier);
            }

            @Override
            public long on(Duration b) throws InterruptedException {
                long jfr = ProcThreads.cpuNanos(ProcThreads::lookBackThread);
                Instant from = Instant.now();
                Thread.sleep(b.toMillis());
                windows.add(new Instant[] {from, Instant.now()});
                profilerCpuNanos.add(ProcThreads.cpuNanos(ProcThreads::lookBackThread) - jfr);
                onNanos.add(b.toNanos());
                return b.toNanos();
            }

            @Override
            public void release() {
                Path dump = dir.resolve("on-" + dumps.size() + ".jfr");
                try {
                    current[0].stop(dump);
                    dumps.add(dump);
                } catch (Exception e) {
                    throw new IllegalStateException("could not dump the recording of an \"on\" block", e);
                }
            }

            @Override
            public void close() {
                Map<String, Long> total = new TreeMap<>();
                double seconds = 0;
                try {
                    for (int i = 0; i < dumps.size(); i++) {
                        Instant[] w = windows.get(i);
                        AmplifiedLookBack.count(dumps.get(i), w[0], w[1]).forEach((k, v) -> total.merge(k, v, Long::sum));
                        seconds += Duration.between(w[0], w[1]).toNanos() / 1e9;
                        Files.delete(dumps.get(i));
                    }
                    Files.delete(dir);
                } catch (Exception e) {
                    throw new IllegalStateException("could not read the recordings in " + dir, e);
                }
                StringBuilder line = new StringBuilder();
                for (Map.Entry<String, Long> e : total.entrySet()) {
                    line.append(String.format(" %s %.1f/s;", e.getKey(), e.getValue() / seconds));
                }
                System.out.printf("%s: events recorded per second of \"on\" block (%.0f s, x%d):%s%n", mode, seconds,
                        multiplier, line);
            }
        };
    }

    private static Holmes idleHolmes(Duration interval, Duration samplingTime) throws Exception {
        return idleBuilder(interval, samplingTime).build();
    }

    private static Holmes.Builder idleBuilder(Duration interval, Duration samplingTime) throws Exception {
        return Holmes.builder()
                .collectInterval(interval)
                .samplingTime(samplingTime)
                .lookBack(Duration.ZERO) // measured on its own: mode look-back
                .dumpPath(Files.createTempDirectory("holmes-paired"))
                .cpuDump(50, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .memDump(50, 100, 95, Duration.ofMinutes(1))
                .threadDump(200, 100, 5_000, 0, Duration.ofMinutes(1));
    }
}
