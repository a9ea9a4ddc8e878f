package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.internal.OnceLogger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The recorder's dump is cut to the window, and its warm-up leaves nothing behind. */
class LookBackRecorderTest {

    private static volatile long sink;

    @TempDir
    Path tmp;

    /** Keeps one thread on the CPU, so that every chunk holds execution samples. */
    private static Thread burner(AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            long x = 0;
            while (!stop.get()) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            sink = x;
        }, "look-back-burner");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static LookBackRecorder recording(Duration lookBack) {
        LookBackRecorder recorder = LookBackRecorder.start(lookBack, () -> true,
                new OnceLogger(LoggerFactory.getLogger(LookBackRecorderTest.class)));
        await().atMost(60, TimeUnit.SECONDS).until(recorder::isRecording);
        return recorder;
    }

    private static List<Instant> sampleTimes(Path jfr) throws IOException {
        try (Stream<RecordedEvent> events = RecordingFile.readAllEvents(jfr).stream()) {
            return events.filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample"))
                    .map(RecordedEvent::getStartTime).sorted().toList();
        }
    }

    @Test
    void aDumpFromAMoment_holdsTheChunksThatReachIntoIt_notTheOlderOnes() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread burner = burner(stop);
        // Look-back 3 s: the recorder begins a new chunk every second and keeps 13 s.
        try (LookBackRecorder recorder = recording(Duration.ofSeconds(3))) {
            Path whole = tmp.resolve("whole.jfr");
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> {
                Files.deleteIfExists(whole);
                recorder.dump(whole, Instant.EPOCH, false);
                List<Instant> samples = sampleTimes(whole);
                return !samples.isEmpty() && samples.get(0).isBefore(Instant.now().minusSeconds(9));
            });
            Instant from = Instant.now().minusSeconds(3);
            Path window = tmp.resolve("window.jfr");
            recorder.dump(window, from, false);

            List<Instant> all = sampleTimes(whole);
            List<Instant> cut = sampleTimes(window);
            assertThat(all.get(0)).isBefore(from.minusSeconds(5));
            assertThat(cut).isNotEmpty();
            // One chunk of about a rotation period (1 s) begins before the window; a busy machine may delay a
            // rotation, hence the slack.
            assertThat(cut.get(0)).isAfter(from.minusSeconds(3));
            assertThat(cut.get(cut.size() - 1)).isAfterOrEqualTo(from);
            assertThat(Files.size(window)).isLessThan(Files.size(whole));
        } finally {
            stop.set(true);
            burner.join();
        }
    }

    @Test
    void aRotationEndsTheChunkOnce_soNoChunkIsShorterThanTheRotationPeriod_andWritesNoLiveObjects() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread burner = burner(stop);
        List<byte[]> kept = new ArrayList<>(); // objects alive throughout, for the old-object sampler
        // Look-back 2 s: a chunk ends once it is 1 s old. Each chunk repeats the metadata and constant pools (about
        // 110 KB), so a rotation that made a second, empty chunk doubled what a window's readers parse for nothing.
        try (LookBackRecorder recorder = recording(Duration.ofSeconds(2))) {
            for (int i = 0; i < 4096; i++) {
                kept.add(new byte[16 * 1024]); // sampled while recording
            }
            // Three rotations: three chunk files that were not in the repository when the recording had begun.
            Path repository = Path.of(System.getProperty("jdk.jfr.repository"));
            Set<Path> before = chunkFiles(repository);
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                    .until(() -> chunkFiles(repository).stream().filter(f -> !before.contains(f)).count() >= 3);
            Path whole = tmp.resolve("whole.jfr");
            recorder.dump(whole, Instant.EPOCH, false);

            ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(whole));
            List<Long> millis = new ArrayList<>();
            for (int offset = 0; offset < file.limit(); offset += JfrChunk.size(file, offset, "whole.jfr")) {
                millis.add(file.getLong(offset + 40) / 1_000_000); // the chunk's duration in nanoseconds
            }
            assertThat(millis).as("chunk durations in ms").hasSizeGreaterThanOrEqualTo(4);
            // Every chunk but the last (which the dump ended) was ended by a rotation, once it was 1 s old.
            assertThat(millis.subList(0, millis.size() - 1)).allMatch(ms -> ms >= 990, "lasts a rotation period");

            // Neither the rotations nor a dump without live objects made the sampler write its objects; a dump with
            // them did, into its last chunk only.
            assertThat(oldObjectSamples(whole)).isZero();
            Path live = tmp.resolve("live.jfr");
            System.gc(); // the sampler writes the objects that survived a collection
            recorder.dump(live, Instant.EPOCH, true);
            EventTimes times = EventTimes.read(live, Set.of(OldObjectSamples.EVENT));
            assertThat(oldObjectSamples(live)).isPositive().isEqualTo(
                    OldObjectSamples.read(times.newestChunkWith(OldObjectSamples.EVENT, Instant.EPOCH), Instant.EPOCH,
                            "live.jfr").size());
            assertThat(times.chunksWith(OldObjectSamples.EVENT, Instant.EPOCH)).hasSize(1);
            java.lang.ref.Reference.reachabilityFence(kept);
        } finally {
            stop.set(true);
            burner.join();
        }
    }

    private static Set<Path> chunkFiles(Path repository) throws IOException {
        try (Stream<Path> files = Files.list(repository)) {
            return files.filter(f -> f.toString().endsWith(".jfr")).collect(Collectors.toSet());
        }
    }

    private static long oldObjectSamples(Path jfr) throws IOException {
        return RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals(OldObjectSamples.EVENT)).count();
    }

    @Test
    void theWarmUpMakesEveryView_andLeavesNoFile() throws Exception {
        Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
        AtomicBoolean stop = new AtomicBoolean();
        Thread burner = burner(stop);
        try (LookBackRecorder recorder = recording(Duration.ofSeconds(30))) {
            List<Path> before = warmUpDirectories(tmpdir);
            assertThat(recorder.warmUp()).isTrue();
            assertThat(warmUpDirectories(tmpdir)).isEqualTo(before);
        } finally {
            stop.set(true);
            burner.join();
        }
    }

    private static List<Path> warmUpDirectories(Path tmpdir) throws IOException {
        try (Stream<Path> entries = Files.list(tmpdir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("holmes-warm-up-")).sorted().toList();
        }
    }
}
