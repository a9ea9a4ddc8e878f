package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holmes.testing.Pprof;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OldObjectSamples} against the JDK's own reader, on a {@linkplain ChunkedRecording real recording} whose
 * allocating thread kept 64 MB alive until the recording stopped.
 */
class OldObjectSamplesTest {

    @TempDir
    static Path tmp;
    static Path jfr;

    @BeforeAll
    static void record() throws Exception {
        jfr = ChunkedRecording.shared();
    }

    /** What the JDK's reader says of each sample, as the look-back's live view took it before this decoder. */
    private static OldObjectSamples.Sample fromJdk(RecordedEvent event) {
        String className = "[unknown class]";
        RecordedObject object = event.hasField("object") ? event.getValue("object") : null;
        if (object != null && object.hasField("type")) {
            RecordedClass type = object.getClass("type");
            if (type != null) {
                className = type.getName();
            }
        }
        List<OldObjectSamples.Frame> frames = new ArrayList<>();
        if (event.getStackTrace() != null) {
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                frames.add(new OldObjectSamples.Frame(
                        frame.getMethod().getType().getName() + "." + frame.getMethod().getName(),
                        frame.getLineNumber()));
            }
        }
        return new OldObjectSamples.Sample(className, frames,
                event.hasField("objectSize") ? event.getLong("objectSize") : null,
                event.hasField("objectAge") ? event.getDuration("objectAge").toNanos() : null);
    }

    @Test
    void decodesEverySampleAsTheJdkReaderDoes_fromJustTheChunksThatHoldThem() throws Exception {
        EventTimes times = EventTimes.read(jfr, Set.of(OldObjectSamples.EVENT));
        Instant since = RecordingFile.readAllEvents(jfr).stream().map(RecordedEvent::getStartTime)
                .min(Comparator.naturalOrder()).orElseThrow();
        List<OldObjectSamples.Sample> decoded =
                OldObjectSamples.read(times.chunksWith(OldObjectSamples.EVENT, since), since, "recording.jfr");

        // The JDK's reader on the same chunks, in a file of their own (its times then follow their own headers).
        Path part = tmp.resolve("part.jfr");
        try (OutputStream out = Files.newOutputStream(part)) {
            ChunkedRecording.write(times.chunksWith(OldObjectSamples.EVENT, since), out);
        }
        List<OldObjectSamples.Sample> expected = RecordingFile.readAllEvents(part).stream()
                .filter(e -> e.getEventType().getName().equals(OldObjectSamples.EVENT))
                .map(OldObjectSamplesTest::fromJdk).toList();

        assertThat(decoded).isNotEmpty().isEqualTo(expected);
        // What the thread kept is among them, by its class and the method that allocated it.
        assertThat(decoded).anyMatch(s -> s.className().equals("byte[]") || s.className().equals("[B"));
        assertThat(decoded).anyMatch(s -> s.frames().stream()
                .anyMatch(f -> f.method().endsWith("ChunkedRecording.burnAndAllocate") && f.line() > 0));
        assertThat(decoded).allMatch(s -> s.ageNanos() != null && s.ageNanos() >= 0);
    }

    @Test
    void samplesBeforeTheInstant_areLeftOut_andTheProfileCountsTheRest() throws Exception {
        EventTimes times = EventTimes.read(jfr, Set.of(OldObjectSamples.EVENT));
        List<Instant> at = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals(OldObjectSamples.EVENT))
                .map(RecordedEvent::getStartTime).sorted().toList();
        Instant after = at.get(at.size() - 1).plusMillis(1);
        assertThat(OldObjectSamples.read(times.chunksWith(OldObjectSamples.EVENT, Instant.MIN), after, "r")).isEmpty();

        // A millisecond before the first: the JDK's reader times a later chunk's events by the file's first chunk,
        // which can be off by some nanoseconds, and the sampler writes all of them at one instant.
        Instant before = at.get(0).minusMillis(1);
        List<OldObjectSamples.Sample> all =
                OldObjectSamples.read(times.chunksWith(OldObjectSamples.EVENT, before), before, "r");
        Pprof profile = Pprof.parse(LiveObjectsProfile.encode(all, before));
        assertThat(profile.sampleTypes().get(0)).isEqualTo("objects/count");
        assertThat(profile.total(0)).isEqualTo(all.size()).isEqualTo(at.size());
        assertThat(profile.total(0, "burnAndAllocate")).isPositive();
    }

    /**
     * A damaged recording (bytes flipped anywhere, and in the metadata, where counts and nesting live) makes the
     * readers throw an {@link IOException} or read something; never another exception or error, which would
     * escape the window's handling, and never an allocation beyond the file's size.
     */
    @Test
    void aDamagedRecording_givesAnIOException_orAReading_neverAnotherThrowable() throws Exception {
        byte[] bytes = Files.readAllBytes(jfr);
        int metadata = (int) ByteBuffer.wrap(bytes).getLong(24);
        Random random = new Random(7);
        Path damaged = tmp.resolve("damaged.jfr");
        List<String> unexpected = new ArrayList<>();
        int refused = 0;
        for (int round = 0; round < 400; round++) {
            byte[] copy = bytes.clone();
            for (int flip = 0; flip < 1 + random.nextInt(4); flip++) {
                int at = round % 2 == 0 ? random.nextInt(copy.length)
                        : metadata + random.nextInt(Math.min(100_000, copy.length - metadata));
                copy[at] = (byte) random.nextInt(256);
            }
            Files.write(damaged, copy);
            try {
                EventTimes times = EventTimes.read(damaged, Set.of(OldObjectSamples.EVENT, ChunkedRecording.EXECUTION));
                OldObjectSamples.read(times.chunksWith(OldObjectSamples.EVENT, Instant.MIN), Instant.MIN, "damaged");
            } catch (IOException e) {
                refused++;
            } catch (Throwable e) {
                unexpected.add("round " + round + ": " + e);
            }
        }
        assertThat(unexpected).isEmpty();
        assertThat(refused).as("damaged files refused").isPositive();
    }

    /** A metadata string count beyond the file (here 2^31 + 5, negative as an int) is refused, not allocated. */
    @Test
    void aCountBeyondTheFile_isRefusedAsDamage() throws Exception {
        byte[] bytes = Files.readAllBytes(jfr);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position((int) in.getLong(24)); // the first chunk's metadata record
        for (int field = 0; field < 5; field++) {
            JfrChunk.varlong(in); // size, type, start time, duration, metadata id
        }
        int countAt = in.position();
        JfrChunk.varlong(in);
        byte[] huge = {(byte) 0x85, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}; // 2^31 + 5
        byte[] damaged = new byte[bytes.length - (in.position() - countAt) + huge.length];
        System.arraycopy(bytes, 0, damaged, 0, countAt);
        System.arraycopy(huge, 0, damaged, countAt, huge.length);
        System.arraycopy(bytes, in.position(), damaged, countAt + huge.length, bytes.length - in.position());
        ByteBuffer.wrap(damaged).putLong(8, in.getLong(8) + damaged.length - bytes.length); // the chunk's size
        Path file = tmp.resolve("huge-count.jfr");
        Files.write(file, damaged);
        assertThatThrownBy(() -> EventTimes.read(file, Set.of(OldObjectSamples.EVENT)))
                .isInstanceOf(IOException.class).hasMessageContaining("a count of 2147483653");
    }
}
