package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.internal.Pipeline;
import io.holmes.testing.EventFiles;
import io.holmes.testing.FlameGraphHtml;
import io.holmes.testing.LogCapture;
import io.holmes.testing.Pprof;
import io.holmes.testing.RecordingReporter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every event carries the window before its trigger. Each anomaly is real and over before the event is asked for
 * (the threads that made it are joined first), so only the look-back recording can name its culprit; the forward
 * capture of the same event is checked not to.
 */
class LookBackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile long sink;

    @TempDir
    Path tmp;

    private Holmes.Builder builder(RecordingReporter reporter) {
        return Holmes.builder()
                .collectInterval(Duration.ofHours(1)) // readings only when a test takes them
                .dumpPath(tmp)
                .samplingTime(Duration.ofMillis(500))
                .lookBack(Duration.ofSeconds(30))
                .reporter(reporter);
    }

    private static void awaitRecording(Holmes holmes) {
        await().atMost(60, TimeUnit.SECONDS).until(() -> holmes.currentRun().lookBackRecorder().isRecording());
    }

    // ---- CPU --------------------------------------------------------------------------------------------------

    /** The culprit: burns until this thread has used {@code cpuMillis} of CPU, however busy the machine is. */
    private static void burstCpuInLookBackTest(long cpuMillis) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + cpuMillis * 1_000_000;
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 200_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }

    @Test
    void aCpuBurstShorterThanOneInterval_isInTheBeforeProfile_andNotInTheForwardOne() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        try (Holmes holmes = builder(reporter).collectInterval(Duration.ofSeconds(5)).build().start()) {
            awaitRecording(holmes);
            List<Thread> burst = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> burstCpuInLookBackTest(400), "burst-" + i);
                t.start();
                burst.add(t);
            }
            for (Thread t : burst) {
                t.join();
            }
            Instant burstOver = Instant.now();

            DumpEvent event = holmes.dump(DumpType.CPU).get(60, TimeUnit.SECONDS);

            DumpEvent.LookBack lookBack = event.lookBack().orElseThrow();
            assertThat(lookBack.view()).isEqualTo("cpu samples");
            assertThat(lookBack.to()).isAfterOrEqualTo(burstOver).isBeforeOrEqualTo(event.start());
            assertThat(lookBack.duration()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
            assertThat(lookBack.samples().get("jdk.ExecutionSample")).isPositive();
            // Live objects belong to a MEM view: a CPU event's dump takes none, and its counts do not list them.
            assertThat(lookBack.samples()).doesNotContainKey("jdk.OldObjectSample");
            assertThat(jdk.jfr.consumer.RecordingFile.readAllEvents(file(event, ".before.jfr")))
                    .noneMatch(e -> e.getEventType().getName().equals("jdk.OldObjectSample"));
            assertThat(names(lookBack.files())).allMatch(n -> n.matches("cpu\\.[0-9.-]+\\.before\\.(jfr|pb\\.gz|html)"))
                    .hasSize(3);
            assertThat(event.files()).containsAll(lookBack.files());

            Pprof before = Pprof.read(file(event, ".before.pb.gz"));
            long culprit = before.total(0, "burstCpuInLookBackTest");
            assertThat(culprit).as("culprit samples of %s", before.total(0)).isGreaterThan(before.total(0) / 2);
            assertThat(FlameGraphHtml.frameNames(file(event, ".before.html"))).anyMatch(n -> n.endsWith("burstCpuInLookBackTest"));
            assertThat(Files.readString(file(event, ".before.html"))).contains("BEFORE the trigger");

            Pprof after = Pprof.read(forward(event, ".pb.gz"));
            assertThat(after.total(0, "burstCpuInLookBackTest")).isZero();
            assertThat(Files.readString(forward(event, ".html"))).contains("AFTER the trigger");

            JsonNode json = JSON.readTree(forward(event, ".json").toFile());
            JsonNode window = json.get("lookBack");
            assertThat(window.get("window").asText()).isEqualTo("before the trigger");
            assertThat(Instant.parse(window.get("to").asText())).isEqualTo(lookBack.to());
            assertThat(Instant.parse(window.get("from").asText())).isEqualTo(lookBack.from());
            assertThat(window.get("samples").get("jdk.ExecutionSample").asLong())
                    .isEqualTo(lookBack.samples().get("jdk.ExecutionSample"));
            assertThat(window.get("files")).extracting(JsonNode::asText).containsExactlyElementsOf(names(lookBack.files()));

            // The before-files count against the disk budget like every other file of the event.
            long eventBytes = 0;
            for (Path f : event.files()) {
                eventBytes += Files.size(f);
            }
            assertThat(holmes.bytesOnDisk()).isGreaterThanOrEqualTo(eventBytes);
        }
    }

    // ---- MEM --------------------------------------------------------------------------------------------------

    private final List<byte[]> retained = new ArrayList<>();

    /** The culprit: retains {@code bytes} in one go, then returns. */
    private void retainHeapJumpInLookBackTest(long bytes) {
        for (long i = 0; i < bytes / (64 * 1024); i++) {
            retained.add(new byte[64 * 1024]);
        }
    }

    @Test
    void aHeapJumpThatEndedBeforeTheReadingThatFired_isInTheBeforeProfile_andNotInTheForwardOne() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        System.gc();
        long baseline = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        long limit = Math.max(1024L * 1024 * 1024, baseline * 10);
        try (Holmes holmes = builder(reporter).memoryLimit(limit)
                .memDump(20, 50, Rule.MAX_PERCENT, Duration.ofMinutes(10)).build().start()) {
            awaitRecording(holmes);
            Pipeline run = holmes.currentRun();
            for (int i = 0; i < 10; i++) { // warm-up: ten real readings of a quiet heap
                holmes.tick(run);
            }
            assertThat(reporter.events()).isEmpty();

            retainHeapJumpInLookBackTest(limit * 3 / 10);
            System.gc(); // the jump survives a collection: the retained objects are old now
            Instant jumpOver = Instant.now();
            holmes.tick(run); // the first reading after the jump ended fires the rule

            await().atMost(60, TimeUnit.SECONDS).until(() -> !reporter.events().isEmpty());
            DumpEvent event = reporter.events().get(0);
            assertThat(event.type()).isEqualTo(DumpType.MEM);
            assertThat(event.reason()).isNotEqualTo(Reason.MANUAL);
            DumpEvent.LookBack lookBack = event.lookBack().orElseThrow();
            assertThat(lookBack.to()).isAfterOrEqualTo(jumpOver);
            assertThat(lookBack.view()).isEqualTo("allocated bytes by stack");
            assertThat(names(lookBack.files())).hasSize(4).anyMatch(n -> n.endsWith(".before.live.pb.gz"));

            Pprof before = Pprof.read(file(event, ".before.pb.gz"));
            int bytes = before.sampleTypes().size() - 1;
            assertThat(before.total(bytes, "retainHeapJumpInLookBackTest"))
                    .as("culprit's bytes of %s (%s)", before.total(bytes), before.sampleTypes())
                    .isGreaterThan(before.total(bytes) / 2);
            assertThat(FlameGraphHtml.frameNames(file(event, ".before.html")))
                    .anyMatch(n -> n.endsWith("retainHeapJumpInLookBackTest"));

            Pprof live = Pprof.read(file(event, ".before.live.pb.gz"));
            assertThat(live.sampleTypes()).first().isEqualTo("objects/count");
            assertThat(live.total(0, "retainHeapJumpInLookBackTest")).as("live samples of %s", live.total(0))
                    .isGreaterThan(live.total(0) / 2);
            assertThat(lookBack.samples().get("jdk.OldObjectSample")).isEqualTo(live.total(0));

            Pprof after = Pprof.read(forward(event, ".pb.gz"));
            assertThat(after.total(0, "retainHeapJumpInLookBackTest")).isZero();
        } finally {
            retained.clear();
        }
    }

    // ---- THREAD -----------------------------------------------------------------------------------------------

    private static void blockOnMonitorInLookBackTest(Object monitor) {
        synchronized (monitor) {
            sink++;
        }
    }

    private static void parkInLookBackTest(CountDownLatch gate) {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void threadsThatWereBlockedAndParked_areInTheBeforeProfile_byTimeWaited() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        try (Holmes holmes = builder(reporter).build().start()) {
            awaitRecording(holmes);
            Object monitor = new Object();
            CountDownLatch gate = new CountDownLatch(1);
            List<Thread> blocked = new ArrayList<>();
            List<Thread> parked = new ArrayList<>();
            synchronized (monitor) {
                for (int i = 0; i < 40; i++) {
                    Thread b = new Thread(() -> blockOnMonitorInLookBackTest(monitor), "blocked-" + i);
                    Thread p = new Thread(() -> parkInLookBackTest(gate), "parked-" + i);
                    b.start();
                    p.start();
                    blocked.add(b);
                    parked.add(p);
                }
                await().atMost(60, TimeUnit.SECONDS).until(() ->
                        blocked.stream().allMatch(t -> t.getState() == Thread.State.BLOCKED)
                                && parked.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
                // Well past the 20 ms threshold above which Flight Recorder writes a wait.
                Thread.sleep(300);
                gate.countDown();
            }
            for (Thread t : blocked) {
                t.join();
            }
            for (Thread t : parked) {
                t.join();
            }

            DumpEvent event = holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS);

            DumpEvent.LookBack lookBack = event.lookBack().orElseThrow();
            assertThat(lookBack.view()).isEqualTo("time blocked or parked by stack");
            assertThat(lookBack.samples().get("jdk.JavaMonitorEnter")).isGreaterThanOrEqualTo(40);
            assertThat(lookBack.samples().get("jdk.ThreadPark")).isGreaterThanOrEqualTo(40);
            Pprof before = Pprof.read(file(event, ".before.pb.gz"));
            int nanos = before.sampleTypes().size() - 1;
            long monitorWait = before.total(nanos, "blockOnMonitorInLookBackTest");
            long parkWait = before.total(nanos, "parkInLookBackTest");
            assertThat(monitorWait).as("%s", before.sampleTypes()).isGreaterThanOrEqualTo(40 * 300_000_000L);
            assertThat(parkWait).isGreaterThanOrEqualTo(40 * 300_000_000L);
            assertThat(monitorWait + parkWait).isGreaterThan(before.total(nanos) / 2);
            assertThat(FlameGraphHtml.frameNames(file(event, ".before.html")))
                    .anyMatch(n -> n.endsWith("blockOnMonitorInLookBackTest"))
                    .anyMatch(n -> n.endsWith("parkInLookBackTest"));

            // The forward thread dump comes too late: those threads are gone.
            Pprof after = Pprof.read(forward(event, ".pb.gz"));
            assertThat(after.samples()).noneMatch(s -> s.contains("blockOnMonitorInLookBackTest")
                    || s.contains("parkInLookBackTest"));
        }
    }

    // ---- stopping while a window is written --------------------------------------------------------------------

    /**
     * Stopping Holmes while an event's window is being converted aborts the window quietly: the stop is deliberate,
     * so no WARN, and no file of the aborted event is left in the dump directory or its scratch directory. Each round
     * stops at an exact moment: when the window's recording has been given its name in the dump directory, which is
     * when its events are counted and converted (even rounds), or when the temporary file of the flame graph has
     * appeared in the scratch directory (odd rounds).
     */
    @Test
    void stoppingWhileAWindowIsConverted_leavesNoFile_andWarnsNothing() throws Exception {
        try (LogCapture log = new LogCapture()) {
            stopWhileConverting(Holmes.DEFAULT_CLOSE_TIMEOUT);
            assertThat(log.warnings("Holmes")).isEmpty();
        }
    }

    /**
     * With a close timeout too short for the capture thread to notice the stop, {@code stop()} returns and removes
     * the scratch directory while the window is still being converted: the late writer finds its event stopped,
     * aborts it without a WARN of its own, and leaves nothing behind.
     */
    @Test
    void stoppingFasterThanTheWindowWriterCanFollow_leavesNoFile_andWarnsNothingAboutTheWindow() throws Exception {
        try (LogCapture log = new LogCapture()) {
            stopWhileConverting(Duration.ofMillis(1));
            // The capture thread and the reporters did not stop in time: that is said; the window's end is not.
            assertThat(log.warnings("look-back")).isEmpty();
            assertThat(log.warnings("Exception")).isEmpty();
        }
    }

    private void stopWhileConverting(Duration closeTimeout) throws Exception {
        int stoppedMidWindow = 0;
        try (Holmes holmes = builder(new RecordingReporter()).samplingTime(Duration.ofSeconds(2))
                .closeTimeout(closeTimeout).build()) {
            for (int round = 0; round < 8; round++) {
                holmes.start();
                awaitRecording(holmes);
                boolean converting = round % 2 == 0;
                List<String> earlier = dumpFiles().toList(); // finished events of earlier rounds stay
                var event = holmes.dump(round % 3 == 0 ? DumpType.MEM : DumpType.CPU);
                try {
                    await().atMost(60, TimeUnit.SECONDS).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                            .until(() -> event.isDone() || (converting
                                    ? dumpFiles().anyMatch(n -> n.endsWith(".before.jfr") && !earlier.contains(n))
                                    : scratchFiles().anyMatch(n -> n.contains(".before.html."))));
                } finally {
                    holmes.stop();
                }
                if (!event.isDone() || event.isCompletedExceptionally()) {
                    stoppedMidWindow++;
                }
                // Done once its capture thread has aborted it (at once unless that thread outlived stop()).
                await().atMost(60, TimeUnit.SECONDS).until(event::isDone);
                try (var left = Files.walk(tmp)) {
                    List<String> names = left.filter(f -> !f.equals(tmp))
                            .map(f -> tmp.relativize(f).toString()).toList();
                    // What a finished event wrote stays; what the aborted one began is gone, and so is scratch.
                    assertThat(names).noneMatch(n -> n.startsWith(".") || n.endsWith(".tmp"));
                    for (String name : names) {
                        String key = name.replaceFirst("^([a-z]+\\.\\d{8}-\\d{6}\\.\\d{3})\\..*$", "$1");
                        assertThat(names).as("the event of %s is whole", name).contains(key + ".json");
                    }
                }
            }
        }
        assertThat(stoppedMidWindow).as("rounds stopped while their window was written").isPositive();
    }

    private java.util.stream.Stream<String> dumpFiles() throws java.io.IOException {
        try (var files = Files.list(tmp)) {
            return files.map(f -> f.getFileName().toString()).toList().stream();
        }
    }

    private java.util.stream.Stream<String> scratchFiles() throws java.io.IOException {
        List<String> names = new ArrayList<>();
        try (var dirs = Files.list(tmp)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(".scratch.")).toList()) {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> names.add(f.getFileName().toString()));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed between the two listings
                }
            }
        }
        return names.stream();
    }

    // ---- Flight Recorder shared and missing ---------------------------------------------------------------------

    @Test
    void aRecordingOfTheApplicationsOwn_isUntouched_andStillRunsAfterHolmesCloses() throws Exception {
        try (Recording own = new Recording()) {
            own.setName("the application's own");
            own.setToDisk(true);
            own.setMaxAge(Duration.ofMinutes(7));
            own.enable("jdk.JavaMonitorWait").withThreshold(Duration.ofMillis(3));
            own.start();
            Map<String, String> settings = Map.copyOf(own.getSettings());
            List<Recording> recordings = FlightRecorder.getFlightRecorder().getRecordings();

            RecordingReporter reporter = new RecordingReporter();
            try (Holmes holmes = builder(reporter).build().start()) {
                awaitRecording(holmes);
                DumpEvent event = holmes.dump(DumpType.CPU).get(60, TimeUnit.SECONDS);
                assertThat(event.lookBack()).isPresent();
            }

            assertThat(own.getState()).isEqualTo(RecordingState.RUNNING);
            assertThat(own.getSettings()).isEqualTo(settings);
            assertThat(own.getMaxAge()).isEqualTo(Duration.ofMinutes(7));
            assertThat(own.getName()).isEqualTo("the application's own");
            assertThat(FlightRecorder.getFlightRecorder().getRecordings()).containsExactlyElementsOf(recordings);
            Path copy = tmp.resolve("own.jfr");
            own.dump(copy);
            assertThat(copy).isNotEmptyFile();
        }
    }

    @Test
    void withoutFlightRecorder_eventsComeWithoutLookBack_andSayWhy() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        try (Holmes holmes = builder(reporter).flightRecorderAvailable(() -> false).build().start()) {
            await().atMost(60, TimeUnit.SECONDS).until(() ->
                    holmes.currentRun().lookBackRecorder().status().contains("not available"));
            DumpEvent event = holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS);
            assertThat(event.lookBack()).isEmpty();
            assertThat(event.details().get("lookBack")).contains("not available");
            assertThat(names(event.files())).noneMatch(n -> n.contains(".before."));
            assertThat(JSON.readTree(forward(event, ".json").toFile()).get("lookBack").isNull()).isTrue();
            assertThat(holmes.isRunning()).isTrue();
        }
    }

    @Test
    void withoutFlightRecorder_oneWarn_howeverOftenHolmesStarts() throws Exception {
        java.io.PrintStream originalErr = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try (Holmes holmes = builder(new RecordingReporter()).flightRecorderAvailable(() -> false).build()) {
            for (int i = 0; i < 3; i++) {
                holmes.start();
                await().atMost(60, TimeUnit.SECONDS).until(() ->
                        holmes.currentRun().lookBackRecorder().status().contains("not available"));
                holmes.stop();
            }
        } finally {
            System.setErr(originalErr);
        }
        String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text.lines().filter(l -> l.contains("WARN") && l.contains("runs without look-back"))).hasSize(1);
    }

    @Test
    void offMeansNoRecording() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        try (Holmes holmes = builder(reporter).lookBack(Duration.ZERO).build().start()) {
            assertThat(holmes.currentRun().lookBackRecorder()).isNull();
            DumpEvent event = holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS);
            assertThat(event.lookBack()).isEmpty();
            assertThat(event.details()).containsEntry("lookBack", "off");
        }
    }

    @Test
    void theRepositoryIsPrivate_whileHolmesRuns_andGoneAfterClose() throws Exception {
        assumeThat(FlightRecorder.getFlightRecorder().getRecordings()).isEmpty();
        RecordingReporter reporter = new RecordingReporter();
        Path repository;
        try (Holmes holmes = builder(reporter).build().start()) {
            awaitRecording(holmes);
            repository = Path.of(System.getProperty("jdk.jfr.repository"));
            Path base = repository.getParent();
            assertThat(base.getFileName().toString()).startsWith("holmes-jfr-");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base))).isEqualTo("rwx------");
            try (var chunks = Files.list(repository)) {
                assertThat(chunks).anyMatch(f -> f.toString().endsWith(".jfr"));
            }
        }
        assertThat(repository.getParent()).doesNotExist();
        assertThat(FlightRecorder.getFlightRecorder().getRecordings()).isEmpty();
    }

    @Test
    void lookBackIsValidated() {
        assertThatThrownBy(() -> Holmes.builder().dumpPath(tmp).lookBack(Duration.ofMillis(500)).build())
                .hasMessageContaining("lookBack must be 0 (off) or between 1s and 10m, but was PT0.5S");
        assertThatThrownBy(() -> Holmes.builder().dumpPath(tmp).lookBack(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("lookBack");
        assertThatThrownBy(() -> Holmes.builder().dumpPath(tmp).lookBack(null).build())
                .hasMessageContaining("lookBack must not be null");
        assertThat(Holmes.builder().dumpPath(tmp).build().lookBack()).isEqualTo(Duration.ofSeconds(30));
        assertThat(Holmes.builder().dumpPath(tmp).lookBack(Duration.ZERO).build().lookBack()).isZero();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    /** The event's before-file ending in {@code suffix}. */
    private static Path file(DumpEvent event, String suffix) {
        return EventFiles.file(event, suffix);
    }

    /** The event's forward file with extension {@code suffix}: {@code <type>.<stamp><suffix>}. */
    private static Path forward(DumpEvent event, String suffix) {
        return event.files().stream()
                .filter(p -> p.getFileName().toString().matches("[a-z]+\\.[0-9.-]+" + java.util.regex.Pattern.quote(suffix)))
                .findFirst().orElseThrow();
    }
}
