package io.holmes.benchmarks;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.testing.Pprof;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Look-back in numbers.
 *
 * <p>{@code table}: each anomaly of the look-back issue, injected once into a fresh Holmes (collect interval 500 ms,
 * samplingTime 3 s, look-back 30 s, the matching rule), after ten quiet readings. For the event the rule fired, it
 * prints the culprit method's share of the profile before the trigger ({@code .before.pb.gz}) and of the forward
 * capture ({@code .pb.gz}): CPU samples for CPU; allocated bytes for MEM; for THREAD, time blocked or parked before
 * and threads after (the forward capture is a thread dump).
 *
 * <p>{@code cost [seconds]}: the reference workload on every core with only the look-back recording running (Holmes
 * never ticks); once the recording and the one-time warm-up of its views are done, after {@code seconds} (default 40)
 * of steady state it prints the CPU time of Flight Recorder's threads and the look-back worker, the peak size of the
 * repository, and then, for three events of each type, the time from the trigger to the window's files being written
 * and converted, and their size.
 *
 * <p>{@code latency [cpu|mem|thread]}: the same workload and recording; once the window is full (35 s), the time
 * from the trigger to the window's files being written and converted for the first event of the JVM (of the type
 * given, CPU by default), the first of each other type, and two more of each, with the load average at each.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.holmes.benchmarks.LookBackHarness table [cpu|mem|thread]}
 * or {@code ... LookBackHarness cost [seconds]} or {@code ... LookBackHarness latency [cpu|mem|thread]}.
 */
public final class LookBackHarness {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration SAMPLING = Duration.ofSeconds(3);
    private static final long MEMORY_LIMIT = 1024L * 1024 * 1024;
    private static volatile long blackhole;

    private final BlockingQueue<DumpEvent> events = new LinkedBlockingQueue<>();
    private final List<byte[]> retained = new ArrayList<>();

    private LookBackHarness() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "table";
        int n = args.length > 1 && args[1].matches("\\d+") ? Integer.parseInt(args[1]) : 40;
        LookBackHarness harness = new LookBackHarness();
        if (mode.equals("cost")) {
            harness.cost(n);
        } else if (mode.equals("latency")) {
            harness.latency(args.length > 1 ? DumpType.valueOf(args[1].toUpperCase()) : DumpType.CPU);
        } else {
            harness.table(args.length > 1 ? args[1] : "all");
        }
        System.exit(0);
    }

    // ---- the table ------------------------------------------------------------------------------------------

    private String only = "all";

    private void table(String which) throws Exception {
        only = which;
        System.out.println("| anomaly | event | culprit's share before the trigger | culprit's share of the forward capture |");
        System.out.println("|---|---|---|---|");
        row("8 s CPU burn", DumpType.CPU, "burnCulprit", () -> burn(8_000));
        row("700 ms CPU burst", DumpType.CPU, "burnCulprit", () -> burn(700));
        row("300 MiB retained at once, then quiet", DumpType.MEM, "retainCulprit", () -> retainAtOnce(300));
        row("slow leak over 8 s", DumpType.MEM, "leakCulprit", () -> leakSlowly(300, 8_000));
        row("300 threads blocked for 8 s", DumpType.THREAD, "blockedCulprit", () -> block(300, 8_000));
        row("300 threads blocked for 800 ms", DumpType.THREAD, "blockedCulprit", () -> block(300, 800));
    }

    private void row(String anomaly, DumpType type, String culprit, Scene scene) throws Exception {
        if (!only.equals("all") && !only.equalsIgnoreCase(type.name())) {
            return;
        }
        events.clear();
        System.gc();
        Holmes.Builder builder = Holmes.builder()
                .collectInterval(INTERVAL)
                .samplingTime(SAMPLING)
                .memoryLimit(MEMORY_LIMIT)
                .lookBack(Duration.ofSeconds(30))
                .dumpPath(Files.createTempDirectory("holmes-look-back"))
                .reporter(events::add);
        switch (type) {
            // A low min: on a shared machine the burners may get a small share of the cores.
            case CPU -> builder.cpuDump(5, 100, 95, Duration.ofMinutes(10));
            case MEM -> builder.memDump(20, 50, 95, Duration.ofMinutes(10));
            default -> builder.threadDump(Thread.activeCount() + 100, 100, 5_000, 0, Duration.ofMinutes(10));
        }
        try (Holmes holmes = builder.build().start()) {
            while (!holmes.isLookBackRecording() || holmes.state(type).window().size() < 10) {
                Thread.sleep(50);
            }
            java.time.Instant injected = java.time.Instant.now();
            Thread injector = new Thread(() -> {
                try {
                    scene.play();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "injector");
            injector.start();
            DumpEvent event = events.poll(60, TimeUnit.SECONDS);
            while (event != null && event.start().isBefore(injected)) { // a blip of the quiet baseline
                event = events.poll(60, TimeUnit.SECONDS);
            }
            injector.join();
            if (event == null) {
                System.out.printf("| %s | none within 60 s | — | — |%n", anomaly);
                return;
            }
            DumpEvent.LookBack lookBack = event.lookBack().orElse(null);
            String before = lookBack == null ? "no window (" + event.details().get("lookBack") + ")"
                    : share(Pprof.read(file(event, ".before.pb.gz")), culprit);
            String after = share(Pprof.read(forward(event, ".pb.gz")), culprit);
            System.out.printf("| %s | %s %s | %s | %s |%n", anomaly, event.type(), event.reason(), before, after);
        } finally {
            retained.clear();
        }
    }

    /** The culprit's share of the profile's weight: bytes or nanoseconds where the profile has them, else samples. */
    private static String share(Pprof profile, String culprit) {
        List<String> types = profile.sampleTypes();
        int index = 0;
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i).endsWith("/bytes") || types.get(i).endsWith("/nanoseconds") && !types.get(i).startsWith("cpu")) {
                index = i;
            }
        }
        long all = profile.total(index);
        if (all == 0) {
            return "0 % (empty profile)";
        }
        return String.format("%.1f %% of %s", 100.0 * profile.total(index, culprit) / all, types.get(index));
    }

    @FunctionalInterface
    interface Scene {
        void play() throws Exception;
    }

    private static void burn(long millis) throws InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < cores; i++) {
            Thread t = new Thread(() -> burnCulprit(millis), "burner-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void burnCulprit(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        blackhole = x;
    }

    private void retainAtOnce(long mib) {
        retainCulprit(mib);
    }

    private void retainCulprit(long mib) {
        for (long i = 0; i < mib * 16; i++) {
            retained.add(new byte[64 * 1024]);
        }
    }

    private void leakSlowly(long mib, long millis) throws InterruptedException {
        long chunks = mib * 16;
        long pause = millis / 100;
        for (int step = 0; step < 100; step++) {
            leakCulprit(chunks / 100);
            Thread.sleep(pause);
        }
    }

    private void leakCulprit(long chunks) {
        for (long i = 0; i < chunks; i++) {
            retained.add(new byte[64 * 1024]);
        }
    }

    private static void block(int threads, long millis) throws InterruptedException {
        Object monitor = new Object();
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> blocked = new ArrayList<>();
        synchronized (monitor) {
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    started.countDown();
                    blockedCulprit(monitor);
                }, "blocked-" + i);
                t.start();
                blocked.add(t);
            }
            started.await();
            Thread.sleep(millis);
        }
        for (Thread t : blocked) {
            t.join();
        }
    }

    private static void blockedCulprit(Object monitor) {
        synchronized (monitor) {
            blackhole++;
        }
    }

    private static String loadAverage() throws IOException {
        String[] load = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return load[0] + " " + load[1] + " " + load[2];
    }

    // ---- the latency on a trigger -----------------------------------------------------------------------------

    private void latency(DumpType first) throws Exception {
        int cores = startWorkload();
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofHours(1)).lookBack(Duration.ofSeconds(30))
                .samplingTime(Duration.ofSeconds(1))
                .dumpPath(Files.createTempDirectory("holmes-look-back-latency")).reporter(events::add).build().start()) {
            long started = System.nanoTime();
            while (!holmes.isLookBackRecording()) {
                Thread.sleep(10);
            }
            System.out.printf("recording after %d ms; the workload on %d cores; filling the window for 35 s%n",
                    (System.nanoTime() - started) / 1_000_000, cores);
            Thread.sleep(35_000);
            List<DumpType> order = new ArrayList<>(List.of(first));
            for (DumpType type : DumpType.values()) {
                if (type != first) {
                    order.add(type);
                }
            }
            System.out.println("| # | event | trigger → window written and converted (ms) | .before.jfr | window | load average |");
            System.out.println("|---|---|---|---|---|---|");
            int n = 0;
            for (int round = 0; round < 3; round++) {
                for (DumpType type : order) {
                    String load = loadAverage();
                    DumpEvent event = holmes.dump(type).get(2, TimeUnit.MINUTES);
                    DumpEvent.LookBack lookBack = event.lookBack().orElseThrow();
                    System.out.printf("| %d | %s%s | %d | %.0f KiB | %.1f s | %s |%n", ++n, type,
                            round == 0 ? (n == 1 ? " (first of the JVM)" : " (first of its type)") : "",
                            Duration.between(lookBack.to(), event.start()).toMillis(),
                            Files.size(lookBack.files().get(0)) / 1024.0, lookBack.duration().toMillis() / 1000.0, load);
                    Thread.sleep(3_000);
                }
            }
        }
    }

    // ---- the cost ---------------------------------------------------------------------------------------------

    private int startWorkload() throws InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < cores; i++) {
            Thread worker = new Thread(() -> {
                while (true) {
                    blackhole += Workload.serialiseAndHash();
                }
            }, "workload-" + i);
            worker.setDaemon(true);
            worker.start();
        }
        Thread.sleep(10_000); // JIT warm-up of the workload
        return cores;
    }

    private void cost(int seconds) throws Exception {
        int cores = startWorkload();
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofHours(1)).lookBack(Duration.ofSeconds(30))
                .dumpPath(Files.createTempDirectory("holmes-look-back-cost")).reporter(events::add).build().start()) {
            while (!holmes.isLookBackRecording() || !io.holmes.internal.capture.LookBackRecorder.isWarm()) {
                Thread.sleep(10);
            }
            Thread.sleep(2_000); // past the recording's start-up and the one-time warm-up of its views
            long cpuBefore = ProcThreads.cpuNanos(ProcThreads::lookBackThread);
            long started = System.nanoTime();
            long peak = 0;
            for (int s = 0; s < seconds; s++) {
                Thread.sleep(1_000);
                peak = Math.max(peak, repositoryBytes());
            }
            long cpu = ProcThreads.cpuNanos(ProcThreads::lookBackThread) - cpuBefore;
            long wall = System.nanoTime() - started;
            System.out.printf("steady %d s with the workload on %d cores: Flight Recorder's threads and holmes-look-back"
                            + " used %.0f ms of CPU = %.3f %% of one core (%.3f %% of the machine); repository peak %.1f"
                            + " MiB (bound %d MiB)%n", seconds, cores, cpu / 1e6, 100.0 * cpu / wall,
                    100.0 * cpu / wall / cores, peak / 1048576.0, io.holmes.internal.capture.LookBackRecorder.MAX_SIZE_BYTES >> 20);
            System.out.println("| event | window | trigger → window written and converted (ms) | .before.jfr | all .before.* | samples |");
            System.out.println("|---|---|---|---|---|---|");
            for (DumpType type : DumpType.values()) {
                for (int i = 0; i < 3; i++) {
                    DumpEvent event = holmes.dump(type).get(2, TimeUnit.MINUTES);
                    DumpEvent.LookBack lookBack = event.lookBack().orElseThrow();
                    long all = 0;
                    for (Path f : lookBack.files()) {
                        all += Files.size(f);
                    }
                    System.out.printf("| %s | %.1f s | %d | %.0f KiB | %.0f KiB | %s |%n", type,
                            lookBack.duration().toMillis() / 1000.0,
                            Duration.between(lookBack.to(), event.start()).toMillis(),
                            Files.size(lookBack.files().get(0)) / 1024.0, all / 1024.0, lookBack.samples());
                    Thread.sleep(5_000);
                }
            }
        }
    }

    /** Bytes in Flight Recorder's current repository. */
    private static long repositoryBytes() throws IOException {
        String repository = System.getProperty("jdk.jfr.repository");
        if (repository == null) {
            return 0;
        }
        try (Stream<Path> files = Files.list(Path.of(repository))) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static Path file(DumpEvent event, String suffix) {
        return event.files().stream().filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow();
    }

    private static Path forward(DumpEvent event, String suffix) {
        return event.files().stream()
                .filter(p -> p.getFileName().toString().matches("[a-z]+\\.[0-9.-]+" + java.util.regex.Pattern.quote(suffix)))
                .findFirst().orElseThrow();
    }
}
