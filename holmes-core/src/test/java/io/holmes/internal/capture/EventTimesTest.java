package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.Registered;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EventTimes} against the JDK's own reader, on a {@linkplain ChunkedRecording real recording of several
 * chunks}.
 */
class EventTimesTest {

    private static final String EXECUTION = ChunkedRecording.EXECUTION;
    private static final String NATIVE = ChunkedRecording.NATIVE;
    private static final String OLD_OBJECT = ChunkedRecording.OLD_OBJECT;
    private static final Set<String> TYPES = Set.of(EXECUTION, NATIVE, "jdk.ObjectAllocationSample",
            "jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.GarbageCollection", OLD_OBJECT);

    @TempDir
    static Path tmp;
    static Path jfr;
    static List<RecordedEvent> all;

    @BeforeAll
    static void record() throws Exception {
        jfr = ChunkedRecording.shared();
        all = RecordingFile.readAllEvents(jfr);
    }

    private static long jdkCount(String type, Instant from, Instant to) {
        return all.stream().filter(e -> e.getEventType().getName().equals(type))
                .filter(e -> !e.getStartTime().isBefore(from) && !e.getStartTime().isAfter(to)).count();
    }

    @Test
    void countsEachTypeByName_inAnyWindow_asTheJdkReaderDoes() throws Exception {
        EventTimes times = EventTimes.read(jfr, TYPES);
        assertThat(times.chunks()).as("chunks").isGreaterThanOrEqualTo(4);
        Instant first = all.stream().map(RecordedEvent::getStartTime).min(Comparator.naturalOrder()).orElseThrow();
        Instant last = all.stream().map(RecordedEvent::getStartTime).max(Comparator.naturalOrder()).orElseThrow();

        Map<String, Long> totals = new TreeMap<>();
        for (String type : TYPES) {
            totals.put(type, times.count(type, first.minusSeconds(1), last.plusSeconds(1)));
            assertThat(totals.get(type)).as(type).isEqualTo(jdkCount(type, Instant.MIN, Instant.MAX));
        }
        // The recording holds what the threads did, and the two samplers' events stay apart.
        // How many depends on how much CPU the scene got (a busy machine gives it less); each type is there.
        assertThat(totals.get(EXECUTION)).isPositive();
        assertThat(totals.get(NATIVE)).isPositive();
        assertThat(totals.get("jdk.ObjectAllocationSample")).isPositive();
        assertThat(totals.get("jdk.ThreadPark")).isPositive();
        assertThat(totals.get("jdk.GarbageCollection")).isPositive();
        assertThat(totals.get(OLD_OBJECT)).isPositive();

        // Windows that begin and end anywhere: at the nanosecond, the JDK converts a later chunk's ticks with a base
        // that can differ from the chunk's own header by some nanoseconds, so window ends are not event times.
        Random random = new Random(42);
        long span = Duration.between(first, last).toNanos();
        for (int i = 0; i < 200; i++) {
            Instant a = first.plusNanos((long) (random.nextDouble() * span));
            Instant b = first.plusNanos((long) (random.nextDouble() * span));
            Instant from = a.isBefore(b) ? a : b;
            Instant to = a.isBefore(b) ? b : a;
            for (String type : TYPES) {
                assertThat(times.count(type, from, to)).as("%s in [%s, %s]", type, from, to)
                        .isEqualTo(jdkCount(type, from, to));
            }
            assertThat(times.count(OLD_OBJECT, from, Instant.MAX)).isEqualTo(jdkCount(OLD_OBJECT, from, Instant.MAX));
        }
    }

    @Test
    void theChunksHoldingLateEvents_makeARecordingOfTheirOwn_withTheSameEvents() throws Exception {
        EventTimes times = EventTimes.read(jfr, TYPES);
        List<Instant> oldObjects = all.stream().filter(e -> e.getEventType().getName().equals(OLD_OBJECT))
                .map(RecordedEvent::getStartTime).sorted().toList();
        Instant since = oldObjects.get(0).minusNanos(1000);
        Path part = tmp.resolve("part.jfr");
        try (OutputStream out = Files.newOutputStream(part)) {
            ChunkedRecording.write(times.chunksWith(OLD_OBJECT, since), out);
        }
        List<RecordedEvent> read = RecordingFile.readAllEvents(part);
        // The same samples (times may differ by nanoseconds: the JDK converts by the file's first chunk).
        assertThat(heapUsages(read)).hasSize(oldObjects.size()).isEqualTo(heapUsages(all));
        // The sampler wrote them when the recording stopped, in its last chunk: the copy leaves the others out.
        assertThat(Files.size(part)).isLessThan(Files.size(jfr));
        assertThat(EventTimes.read(part, TYPES).chunks()).isLessThan(times.chunks());
        Map<String, Long> kept = read.stream().collect(Collectors.groupingBy(e -> e.getEventType().getName(),
                Collectors.counting()));
        assertThat(kept.getOrDefault(EXECUTION, 0L)).isLessThan(jdkCount(EXECUTION, Instant.MIN, Instant.MAX));
    }

    @Test
    void theNewestBatchOfLiveObjects_isTheLastChunkThatHoldsAny() throws Exception {
        EventTimes times = EventTimes.read(jfr, TYPES);
        long everyBatch = times.count(OLD_OBJECT, Instant.MIN, Instant.MAX);
        List<JfrChunk> newest = times.newestChunkWith(OLD_OBJECT, Instant.MIN);
        assertThat(times.chunksWith(OLD_OBJECT, Instant.MIN)).as("chunks with a batch").hasSize(2)
                .endsWith(newest.get(0));

        // The JDK's reader finds one batch in a file of that chunk alone: part of the samples, the last of them.
        Path part = tmp.resolve("newest.jfr");
        try (OutputStream out = Files.newOutputStream(part)) {
            ChunkedRecording.write(newest, out);
        }
        long newestBatch = RecordingFile.readAllEvents(part).stream()
                .filter(e -> e.getEventType().getName().equals(OLD_OBJECT)).count();
        assertThat(newestBatch).isPositive().isLessThan(everyBatch);
        assertThat(OldObjectSamples.read(newest, Instant.MIN, "newest.jfr")).hasSize((int) newestBatch);
        // After the newest batch was written there is none.
        Instant last = all.stream().map(RecordedEvent::getStartTime).max(Comparator.naturalOrder()).orElseThrow();
        assertThat(times.newestChunkWith(OLD_OBJECT, last.plusMillis(1))).isEmpty();
    }

    @Test
    void aChunkThatDeclaresOtherTypes_isReadByItsOwnMetadata() throws Exception {
        // Chunks of one recording repeat the same metadata, and the reader reuses the types it read; an event class
        // registered while recording changes the metadata of the chunks after it.
        Path file = tmp.resolve("registered.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(LateEvent.class);
            recording.start();
            try (Recording marker = new Recording()) {
                marker.start(); // a chunk of the metadata from before
            }
            FlightRecorder.register(LateEvent.class);
            for (int i = 0; i < 3; i++) {
                new LateEvent().commit();
            }
            recording.stop();
            recording.dump(file);
        }
        String late = LateEvent.class.getName();
        EventTimes times = EventTimes.read(file, Set.of(late, EXECUTION));
        assertThat(times.chunks()).isGreaterThanOrEqualTo(2);
        assertThat(times.count(late, Instant.MIN, Instant.MAX)).isEqualTo(3).isEqualTo(
                RecordingFile.readAllEvents(file).stream().filter(e -> e.getEventType().getName().equals(late))
                        .count());
    }

    /** An event class of this test, registered with Flight Recorder while a recording runs. */
    @Registered(false)
    static final class LateEvent extends Event {
    }

    private static List<Long> heapUsages(List<RecordedEvent> events) {
        return events.stream().filter(e -> e.getEventType().getName().equals(OLD_OBJECT))
                .map(e -> e.getLong("lastKnownHeapUsage")).sorted().toList();
    }

    @Test
    void aTruncatedFile_orOneWithoutCompressedIntegers_isRefused_namingTheFile() throws Exception {
        byte[] bytes = Files.readAllBytes(jfr);
        Path truncated = tmp.resolve("truncated.jfr");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> EventTimes.read(truncated, TYPES)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated.jfr");

        byte[] uncompressed = bytes.clone();
        ByteBuffer.wrap(uncompressed).putInt(64, ByteBuffer.wrap(bytes).getInt(64) & ~1);
        Path plain = tmp.resolve("plain.jfr");
        Files.write(plain, uncompressed);
        assertThatThrownBy(() -> EventTimes.read(plain, TYPES)).isInstanceOf(IOException.class)
                .hasMessageContaining("plain.jfr").hasMessageContaining("compressed integers");

        Path notJfr = tmp.resolve("text.jfr");
        Files.writeString(notJfr, "not a recording at all, but long enough to hold a chunk header of 68 bytes....");
        assertThatThrownBy(() -> EventTimes.read(notJfr, TYPES)).isInstanceOf(IOException.class)
                .hasMessageContaining("no chunk header");
    }
}
