package io.holmes.benchmarks;

import io.holmes.BenchmarkAccess;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Rule;
import io.holmes.internal.capture.ConversionReplay;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The cost of a CPU + MEM capture by direct accounting rather than by throughput: what each part of the capture
 * spends, measured where it is spent, so that the machine's noise does not enter the result.
 *
 * <ul>
 * <li>Stop-the-world time Holmes causes: JDK Flight Recorder's {@code jdk.ExecuteVMOperation} events whose caller
 * is a Holmes thread, plus the time to reach their safepoints ({@code jdk.SafepointStateSynchronization}).</li>
 * <li>CPU time of every thread of the process by name ({@code /proc/self/task}), during each capture and during an
 * idle window of the same length; the difference is what the capture added in each thread.</li>
 * <li>The {@code holmes-capture} thread's CPU time (ThreadMXBean), and the same conversions repeated on the
 * capture's own recording to split it into steps.</li>
 * <li>Samples taken inside the application's threads, times a cost per sample measured by {@code sample-cost}.</li>
 * </ul>
 *
 * <p>Usage: {@code java -Dworkload.hashRounds=N -cp benchmarks.jar io.holmes.benchmarks.CaptureCost [captures]
 * [seconds]}; {@code CaptureCost sample-cost} measures the cost of one sample, which
 * {@code -DcaptureCost.allocSampleNanos} and {@code -DcaptureCost.cpuSampleNanos} then turn into (d);
 * {@code CaptureCost first [captures] [seconds]} prints what each of the first captures of a fresh JVM costs.
 */
public final class CaptureCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Whether to repeat each capture's conversions to split the capture thread's time (off: nothing else runs). */
    private static final boolean REPLAY = !Boolean.getBoolean("captureCost.noReplay");
    private static final LongAdder OPS = new LongAdder();
    private static long captureThread;

    private CaptureCost() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("sample-cost")) {
            System.out.printf("cost of one sample in the sampled thread (workload.hashRounds=%d, load %s):%n",
                    Workload.HASH_ROUNDS, Files.readString(Path.of("/proc/loadavg")).trim());
            io.holmes.internal.capture.SampleCost.perSample(Workload::unit, 8, 1000);
            return;
        }
        if (args.length > 0 && args[0].equals("first")) {
            firstCaptures(args.length > 1 ? Integer.parseInt(args[1]) : 3,
                    Duration.ofSeconds(args.length > 2 ? Integer.parseInt(args[2]) : 3));
            return;
        }
        int captures = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        Duration samplingTime = Duration.ofSeconds(args.length > 1 ? Integer.parseInt(args[1]) : 3);
        int cores = Runtime.getRuntime().availableProcessors();
        List<Thread> workers = Workload.startOnEveryCore(OPS);
        Path dumps = Files.createTempDirectory("holmes-capture-cost");
        Holmes holmes = Holmes.builder()
                .collectInterval(Duration.ofMillis(100))
                .samplingTime(samplingTime)
                .lookBack(Duration.ZERO)
                .dumpPath(dumps)
                .cpuDump(50, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .memDump(50, 100, 95, Duration.ofMinutes(1))
                .threadDump(200, 100, 5_000, 0, Duration.ofMinutes(1))
                .build().start();
        Thread.sleep(10_000); // JIT warm-up of the workload
        // One capture unmeasured: the first loads async-profiler and warms the converters.
        captureTogether(holmes);
        captureThreadCpu();

        Recording vmOps = new Recording();
        vmOps.enable("jdk.ExecuteVMOperation").withThreshold(Duration.ZERO);
        vmOps.enable("jdk.SafepointStateSynchronization").withThreshold(Duration.ZERO);
        vmOps.enable("jdk.Compilation").withThreshold(Duration.ZERO);
        vmOps.enable("jdk.Deoptimization");
        vmOps.start();
        // Flight Recorder's first start in a JVM redefines its event classes, and the JIT drops compiled code that
        // depends on them: the workload runs slower for a few seconds after it. Measure after that.
        Thread.sleep(5_000);

        Map<String, Long> onCpu = new TreeMap<>();
        Map<String, Long> offCpu = new TreeMap<>();
        Map<String, Long> replay = new java.util.LinkedHashMap<>();
        long onWall = 0;
        long captureThreadNanos = 0;
        long cpuSamples = 0;
        long allocSamples = 0;
        long liveSamples = 0;
        double allocBytes = 0;
        List<Instant[]> windows = new ArrayList<>();
        List<String> intervals = new ArrayList<>();
        for (int c = 0; c < captures; c++) {
            // Off: an idle window as long as the capture before it would be, for the threads' baseline.
            Map<String, Long> before = threadTicks();
            long start = System.nanoTime();
            Instant from = Instant.now();
            long capturedBefore = captureThreadCpu();
            long bytesBefore = allocatedBytes(workers);
            List<DumpEvent> events = captureTogether(holmes);
            long wall = System.nanoTime() - start;
            Instant to = Instant.now();
            allocBytes += allocatedBytes(workers) - bytesBefore;
            captureThreadNanos += captureThreadCpu() - capturedBefore;
            Map<String, Long> after = threadTicks();
            add(onCpu, before, after);
            onWall += wall;
            windows.add(new Instant[] {from, to});
            Thread.sleep(500);
            before = threadTicks();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wall));
            add(offCpu, before, threadTicks());

            Path jfr = null;
            long interval = 0;
            for (DumpEvent event : events) {
                if (event.type() == DumpType.CPU) {
                    cpuSamples += Long.parseLong(event.details().get("samples"));
                } else {
                    allocSamples += Long.parseLong(event.details().get("samples"));
                    liveSamples += Long.parseLong(event.details().getOrDefault("liveSamples", "0"));
                    interval = Long.parseLong(event.details().get("samplingInterval").split(" ")[0]);
                    intervals.add(interval / 1024 + " KiB");
                    jfr = event.files().stream().filter(p -> p.toString().endsWith(".jfr")).findFirst().orElseThrow();
                }
            }
            if (REPLAY) {
                ConversionReplay.perStep(jfr, interval, 10_000_000L).forEach((k, v) -> replay.merge(k, v, Long::sum));
                ConversionReplay.session(interval, samplingTime).forEach((k, v) -> replay.merge(k, v, Long::sum));
                Thread.sleep(2000); // the replay's own compilations end before the next capture
            }
            Thread.sleep(500);
        }
        vmOps.stop();
        String histogramA = ConversionReplay.histogram();
        String histogramB = ConversionReplay.histogram();
        long histogramTransfer = ConversionReplay.histogramCallerNanos();
        ConversionReplay.histogramText(histogramA, histogramB).forEach((k, v) -> replay.merge(k, v * captures, Long::sum));
        replay.put("MEM: two histogram answers, caller side", 2 * histogramTransfer * captures);
        Path ops = Files.createTempFile("capture-cost", ".jfr");
        vmOps.dump(ops);
        vmOps.close();
        holmes.close();

        double capacity = (double) onWall * cores; // wall time x cores of all captures
        System.out.printf("workload.hashRounds=%d, %d captures of %d s, CPU + MEM together, allocation rate %.0f MB/s,"
                        + " intervals %s%n", Workload.HASH_ROUNDS, captures, samplingTime.toSeconds(),
                allocBytes / (onWall / 1e9) / 1e6, intervals);
        System.out.printf("capture wall time %.2f s each on average, %d cores: shares below are of wall x cores%n",
                onWall / 1e9 / captures, cores);
        System.out.printf("load average at the end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());

        System.out.println("\n(a) stop-the-world operations requested by Holmes' threads (ms per capture)");
        double pauses = stopTheWorld(ops, windows, captures);

        System.out.println("\n(b) holmes-capture thread");
        System.out.printf("  %-44s %9.1f ms/capture %6.2f %%%n", "total (ThreadMXBean)",
                captureThreadNanos / 1e6 / captures, 100 * captureThreadNanos / capacity);
        long replayed = 0;
        for (Map.Entry<String, Long> e : replay.entrySet()) {
            replayed += e.getValue();
            System.out.printf("  %-44s %9.1f ms/capture %6.2f %%%n", e.getKey(), e.getValue() / 1e6 / captures,
                    100 * e.getValue() / capacity);
        }
        System.out.printf("  %-44s %9.1f ms/capture %6.2f %%%n", "rest (session start/stop, waits, files)",
                (captureThreadNanos - replayed) / 1e6 / captures, 100 * (captureThreadNanos - replayed) / capacity);

        System.out.println("\n(c) CPU by thread, capture minus idle window of the same length (ms per capture)");
        long workloadDelta = 0;
        long jit = 0;
        long vmAndEnded = 0;
        for (String name : union(onCpu, offCpu)) {
            long on = onCpu.getOrDefault(name, 0L);
            long off = offCpu.getOrDefault(name, 0L);
            if (name.equals("workload-")) {
                workloadDelta = on - off;
            } else if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                jit += on - off;
            } else if (name.equals("VM Thread") || name.equals("(ended threads)")) {
                vmAndEnded += on - off;
            }
            if (on == 0 && off == 0) {
                continue;
            }
            System.out.printf("  %-20s on %9.1f off %9.1f  diff %8.1f ms %6.2f %%%n", name, on / 1e6 / captures,
                    off / 1e6 / captures, (on - off) / 1e6 / captures, 100 * (on - off) / capacity);
        }
        System.out.printf("%n(d) samples per capture: %.0f CPU, %.0f allocation, %.0f live%n",
                (double) cpuSamples / captures, (double) allocSamples / captures, (double) liveSamples / captures);
        double allocSampleNanos = Double.parseDouble(System.getProperty("captureCost.allocSampleNanos", "0"));
        double cpuSampleNanos = Double.parseDouble(System.getProperty("captureCost.cpuSampleNanos", "0"));
        double sampling = allocSamples * allocSampleNanos + cpuSamples * cpuSampleNanos;
        if (allocSampleNanos > 0 || cpuSampleNanos > 0) {
            System.out.printf("    at %.1f us per allocation sample and %.1f us per CPU sample (sample-cost):"
                            + " %.1f ms per capture, %.2f %%%n", allocSampleNanos / 1e3, cpuSampleNanos / 1e3,
                    sampling / 1e6 / captures, 100 * sampling / capacity);
        }
        System.out.printf("    workload threads' CPU on - off: %.1f ms per capture (they run flat out: read as noise)%n",
                workloadDelta / 1e6 / captures);
        System.out.printf("    operations during captures: %d%n", OPS.sum());
        // A part that came out negative (a thread of the idle window that ended) is counted as zero, not subtracted.
        vmAndEnded = Math.max(0, vmAndEnded);
        jit = Math.max(0, jit);
        double without = pauses + 100 * (captureThreadNanos + vmAndEnded + sampling) / capacity;
        System.out.printf("%ntotal without the JIT: %.2f %% (pauses %.2f, holmes-capture %.2f, VM thread and ended threads"
                        + " %.2f, sampling %.2f); JIT (C1 + C2 threads) %.2f %%; with the JIT: %.2f %%%n", without, pauses,
                100 * captureThreadNanos / capacity, 100 * vmAndEnded / capacity, 100 * sampling / capacity,
                100 * jit / capacity, without + 100 * jit / capacity);
    }

    /**
     * The first captures of a JVM, one line each: what a service pays, as its captures come minutes apart and find
     * Holmes' capture path cold (not yet loaded, linked or compiled). Holmes runs without look-back, whose warm-up
     * would run the converters before the first capture, unless {@code -DcaptureCost.lookBack=true}. Each capture is
     * followed by an idle window of its length.
     */
    private static void firstCaptures(int captures, Duration samplingTime) throws Exception {
        Workload.startOnEveryCore(OPS);
        // -DcaptureCost.lookBack=true: with the default look-back, whose warm-up 10 s after start runs the converters.
        boolean lookBack = Boolean.getBoolean("captureCost.lookBack");
        Holmes holmes = Holmes.builder()
                .collectInterval(Duration.ofMillis(100))
                .samplingTime(samplingTime)
                .lookBack(lookBack ? Duration.ofSeconds(30) : Duration.ZERO)
                .dumpPath(Files.createTempDirectory("holmes-capture-cost"))
                .memDump(50, 100, 95, Duration.ofMinutes(1))
                .build().start();
        Thread.sleep(lookBack ? 25_000 : 10_000); // JIT warm-up of the workload (and look-back's warm-up)
        java.lang.management.ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        for (int c = 1; c <= captures; c++) {
            Map<String, Long> before = threadTicks();
            long loaded = classes.getTotalLoadedClassCount();
            long capturedBefore = captureThreadCpu();
            long start = System.nanoTime();
            captureTogether(holmes);
            long wall = System.nanoTime() - start;
            long captureThreadNanos = captureThreadCpu() - capturedBefore;
            Map<String, Long> on = new TreeMap<>();
            add(on, before, threadTicks());
            long newClasses = classes.getTotalLoadedClassCount() - loaded;
            Thread.sleep(500);
            before = threadTicks();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wall));
            Map<String, Long> off = new TreeMap<>();
            add(off, before, threadTicks());
            long jit = 0;
            for (String name : union(on, off)) {
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    jit += on.getOrDefault(name, 0L) - off.getOrDefault(name, 0L);
                }
            }
            System.out.printf("capture %d: wall %.2f s, holmes-capture %.1f ms, JIT (C1 + C2 threads, on - off) %.0f ms,"
                            + " classes loaded %d; capture thread + JIT = %.2f %% of wall x %d cores%n", c, wall / 1e9,
                    captureThreadNanos / 1e6, jit / 1e6, newClasses, 100.0 * (captureThreadNanos + Math.max(0, jit))
                            / ((double) wall * Runtime.getRuntime().availableProcessors()),
                    Runtime.getRuntime().availableProcessors());
            Thread.sleep(500);
        }
        holmes.close();
    }

    private static List<DumpEvent> captureTogether(Holmes holmes) throws Exception {
        List<DumpEvent> events = new ArrayList<>();
        for (CompletableFuture<DumpEvent> f : BenchmarkAccess.captureTogether(holmes, DumpType.CPU, DumpType.MEM)) {
            events.add(f.get(2, TimeUnit.MINUTES));
        }
        return events;
    }

    /** Prints what happened at safepoints and in the JIT during the captures; returns the share of Holmes' pauses. */
    private static double stopTheWorld(Path ops, List<Instant[]> windows, int captures)
            throws IOException {
        Map<Long, Long> syncBySafepoint = new HashMap<>();
        List<RecordedEvent> operations = new ArrayList<>();
        Map<String, long[]> compilations = new TreeMap<>();
        Map<String, long[]> deoptimizations = new TreeMap<>();
        Map<String, long[]> byMethod = new TreeMap<>();
        long[] perWindow = new long[windows.size()];
        for (RecordedEvent e : RecordingFile.readAllEvents(ops)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.Compilation") || type.equals("jdk.Deoptimization")) {
                if (inside(e.getStartTime(), windows)) {
                    jdk.jfr.consumer.RecordedMethod m = e.getValue("method");
                    String owner = m == null ? "?" : m.getType().getName();
                    String key = owner.startsWith("io.holmes.benchmarks") ? "workload (io.holmes.benchmarks)"
                            : owner.replaceAll("^((?:[a-z0-9_]+\\.){1,2}).*$", "$1*");
                    if (type.equals("jdk.Compilation")) {
                        perWindow[window(e.getStartTime(), windows)] += e.getDuration().toNanos();
                        key = "C" + (e.getInt("compileLevel") == 4 ? 2 : 1) + " " + key;
                        long[] t = compilations.computeIfAbsent(key, k -> new long[2]);
                        t[0]++;
                        t[1] += e.getDuration().toNanos();
                        long[] method = byMethod.computeIfAbsent(key.substring(0, 3) + owner + "." + m.getName(),
                                k -> new long[2]);
                        method[0]++;
                        method[1] += e.getDuration().toNanos();
                    } else {
                        long[] t = deoptimizations.computeIfAbsent(key + " " + e.getString("reason"), k -> new long[2]);
                        t[0]++;
                    }
                }
                continue;
            }
            if (type.equals("jdk.SafepointStateSynchronization")) {
                syncBySafepoint.put(e.getLong("safepointId"), e.getDuration().toNanos());
            } else {
                operations.add(e);
            }
        }
        Map<String, long[]> byOperation = new TreeMap<>();
        for (RecordedEvent e : operations) {
            if (!inside(e.getStartTime(), windows)) {
                continue;
            }
            RecordedThread caller = e.getThread("caller");
            String callerName = caller == null ? "?" : String.valueOf(caller.getJavaName());
            String key = e.getString("operation") + " from " + callerName.replaceAll("\\d+$", "");
            long sync = e.getBoolean("safepoint") ? syncBySafepoint.getOrDefault(e.getLong("safepointId"), 0L) : 0;
            long[] total = byOperation.computeIfAbsent(key, k -> new long[3]);
            total[0]++;
            total[1] += e.getDuration().toNanos();
            total[2] += sync;
        }
        System.out.println("  compilations inside captures (count, ms of compiler thread per capture), by class:");
        compilations.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(12)
                .forEach(e -> System.out.printf("    %-50s %6.1f %8.1f ms%n", e.getKey(),
                        (double) e.getValue()[0] / captures, e.getValue()[1] / 1e6 / captures));
        StringBuilder decay = new StringBuilder();
        for (long w : perWindow) {
            decay.append(decay.length() == 0 ? "" : ", ").append(w / 1_000_000).append(" ms");
        }
        System.out.println("  compilation time in capture 1, 2, ...: " + decay);
        System.out.println("  the methods whose compilations took longest (count, ms per capture):");
        byMethod.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(10)
                .forEach(e -> System.out.printf("    %-70s %5.1f %7.1f ms%n", e.getKey(),
                        (double) e.getValue()[0] / captures, e.getValue()[1] / 1e6 / captures));
        System.out.println("  deoptimizations inside captures (count per capture):");
        deoptimizations.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).limit(8)
                .forEach(e -> System.out.printf("    %-60s %6.1f%n", e.getKey(), (double) e.getValue()[0] / captures));
        double holmes = 0;
        for (Map.Entry<String, long[]> e : byOperation.entrySet()) {
            long[] t = e.getValue();
            if (e.getKey().contains("holmes")) {
                holmes += 100 * (t[1] + t[2]) / windowsNanos(windows);
            }
            System.out.printf("  %-50s %5.1f per capture, %7.1f ms op + %5.1f ms sync per capture, %5.2f %%%s%n",
                    e.getKey(), (double) t[0] / captures, t[1] / 1e6 / captures, t[2] / 1e6 / captures,
                    // a pause stops every core: its share of wall x cores is its share of wall time
                    100 * (t[1] + t[2]) / windowsNanos(windows),
                    e.getKey().contains("holmes") ? "  <- Holmes" : "");
        }
        return holmes;
    }

    private static double windowsNanos(List<Instant[]> windows) {
        double total = 0;
        for (Instant[] w : windows) {
            total += Duration.between(w[0], w[1]).toNanos();
        }
        return total;
    }

    private static boolean inside(Instant t, List<Instant[]> windows) {
        for (Instant[] w : windows) {
            if (!t.isBefore(w[0]) && !t.isAfter(w[1])) {
                return true;
            }
        }
        return false;
    }

    private static int window(Instant t, List<Instant[]> windows) {
        for (int i = 0; i < windows.size(); i++) {
            if (!t.isBefore(windows.get(i)[0]) && !t.isAfter(windows.get(i)[1])) {
                return i;
            }
        }
        return 0;
    }

    /** The capture thread's CPU time; found once, as a thread dump inside a window would be a pause of its own. */
    private static long captureThreadCpu() {
        if (captureThread == 0) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("holmes-capture")) {
                    captureThread = t.getId();
                }
            }
        }
        // Before the first capture the thread does not exist yet: it has used no CPU.
        return captureThread == 0 ? 0 : Math.max(0, THREADS.getThreadCpuTime(captureThread));
    }

    private static long allocatedBytes(List<Thread> workers) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) THREADS;
        long total = 0;
        for (Thread t : workers) {
            total += threads.getThreadAllocatedBytes(t.getId());
        }
        return total;
    }

    /** CPU time so far by thread name, digits at the end dropped ({@code GC Thread#0} and {@code #1} together). */
    private static Map<String, Long> threadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+$", "");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(comm, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L,
                            Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // Threads that ended since the last reading are in the process's total only.
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long process = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
            long live = ticks.values().stream().mapToLong(Long::longValue).sum();
            ticks.put("(ended threads)", process - live);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ticks;
    }

    private static void add(Map<String, Long> into, Map<String, Long> before, Map<String, Long> after) {
        for (Map.Entry<String, Long> e : after.entrySet()) {
            into.merge(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L), Long::sum);
        }
    }

    private static List<String> union(Map<String, Long> a, Map<String, Long> b) {
        TreeMap<String, Long> all = new TreeMap<>(a);
        b.forEach(all::putIfAbsent);
        return new ArrayList<>(all.keySet());
    }
}
