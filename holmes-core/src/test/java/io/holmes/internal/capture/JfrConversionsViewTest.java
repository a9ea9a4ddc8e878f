package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.DumpType;
import io.holmes.testing.Pprof;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import one.convert.Arguments;
import one.convert.JfrToFlame;
import one.convert.JfrToPprof;
import one.jfr.JfrReader;

/**
 * {@link JfrConversions#view}: one parse for both outputs gives the same pprof profile and flame graph as the
 * converter's two passes, for each look-back view and for the forward allocation profile, on a {@linkplain
 * ChunkedRecording real recording of several chunks}.
 */
class JfrConversionsViewTest {

    static Path jfr;
    static Instant from;
    static Instant to;

    @BeforeAll
    static void record() throws Exception {
        jfr = ChunkedRecording.shared();
        List<Instant> times = RecordingFile.readAllEvents(jfr).stream().map(RecordedEvent::getStartTime)
                .sorted(Comparator.naturalOrder()).toList();
        // A window that leaves out the first and last quarter, as a look-back window cuts its dump.
        from = times.get(times.size() / 4);
        to = times.get(times.size() * 3 / 4);
    }

    @Test
    void eachLookBackView_isTheConvertersOwn_fromOneParse() throws Exception {
        for (DumpType type : DumpType.values()) {
            List<String> args = LookBackCapture.converterArgs(type, from, to);
            assertSameOutputs(args, "window of " + type);
        }
    }

    @Test
    void theWholeAllocationProfile_isTheConvertersOwn_fromOneParse() throws Exception {
        assertSameOutputs(List.of("--alloc", "--total"), "allocation profile");
    }

    private static void assertSameOutputs(List<String> args, String title) throws IOException {
        ByteArrayOutputStream pprof = new ByteArrayOutputStream();
        ByteArrayOutputStream flame = new ByteArrayOutputStream();
        // The converter's own two passes, as its command line runs them.
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            JfrToPprof converter = new JfrToPprof(reader, new Arguments(args.toArray(new String[0])));
            converter.convert();
            try (GZIPOutputStream gzip = new GZIPOutputStream(pprof)) {
                converter.dump(gzip);
            }
        }
        List<String> titled = new ArrayList<>(args);
        titled.addAll(List.of("--title", title));
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            JfrToFlame converter = new JfrToFlame(reader, new Arguments(titled.toArray(new String[0])));
            converter.convert();
            converter.dump(flame);
        }

        byte[] expected = gunzip(pprof.toByteArray());
        // From the file, and from memory with the old-object sampler's carried-over checkpoints skipped.
        ByteBuffer relinked = LookBackCapture.forViews(Files.readAllBytes(jfr), "recording.jfr");
        for (JfrConversions.View view : List.of(JfrConversions.view(jfr, args, title),
                JfrConversions.view(relinked, args, title))) {
            ByteArrayOutputStream viewPprof = new ByteArrayOutputStream();
            ByteArrayOutputStream viewFlame = new ByteArrayOutputStream();
            view.writePprof(viewPprof);
            view.writeFlameGraph(viewFlame);
            assertThat(gunzip(viewPprof.toByteArray())).as("pprof of %s", args).isEqualTo(expected);
            String html = viewFlame.toString(StandardCharsets.UTF_8);
            assertThat(html).as("flame graph of %s", args).isEqualTo(flame.toString(StandardCharsets.UTF_8))
                    .contains(title);
        }
        // Not two empty outputs: the recording has samples of each view.
        Pprof profile = Pprof.parse(expected);
        assertThat(profile.total(profile.sampleTypes().size() - 1)).as("samples in %s", args).isPositive();
    }

    @Test
    void theCarriedOverCheckpoints_areSkipped_andOnlyThey(@TempDir Path tmp) throws Exception {
        byte[] original = Files.readAllBytes(jfr);
        ByteBuffer relinked = ByteBuffer.wrap(original.clone());
        // The sampler kept objects allocated in the first chunk alive throughout: the later chunks carry them over.
        assertThat(JfrChunk.skipCarriedOverCheckpoints(relinked, "recording.jfr")).isPositive();
        ByteBuffer file = ByteBuffer.wrap(original);
        int chunks = 0;
        for (int offset = 0; offset < original.length; offset += JfrChunk.size(file, offset, "recording.jfr")) {
            List<Long> before = chain(file.slice(offset, JfrChunk.size(file, offset, "r")));
            List<Long> after = chain(relinked.slice(offset, JfrChunk.size(file, offset, "r")));
            long chunkStart = file.getLong(offset + 48);
            // The chain keeps every checkpoint of the chunk's own time, in order, and only those.
            assertThat(after).isEqualTo(before.stream().filter(start -> start >= chunkStart).toList());
            chunks++;
        }
        assertThat(chunks).isGreaterThanOrEqualTo(4);
        // A second pass finds nothing left to skip.
        assertThat(JfrChunk.skipCarriedOverCheckpoints(relinked, "recording.jfr")).isZero();
        // The records did not move: the JDK's own reader, which follows the same chains, reads the same execution
        // samples with the same stacks from the relinked file.
        Path relinkedFile = tmp.resolve("relinked.jfr");
        Files.write(relinkedFile, relinked.array());
        assertThat(executionSamples(relinkedFile)).isNotEmpty().isEqualTo(executionSamples(jfr));
    }

    /** Each execution sample's time and stack, as the JDK's reader gives them. */
    private static List<String> executionSamples(Path file) throws IOException {
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample"))
                .map(e -> e.getStartTime() + " " + e.getStackTrace().getFrames().stream()
                        .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName()).toList())
                .toList();
    }

    @Test
    void aChainFlightRecorderWouldNotWrite_isLeftAsItIs() throws Exception {
        byte[] bytes = Files.readAllBytes(jfr);
        ByteBuffer file = ByteBuffer.wrap(bytes);
        int size = JfrChunk.size(file, 0, "r");
        byte[] damaged = Arrays.copyOf(bytes, size);
        ByteBuffer.wrap(damaged).putLong(16, size + 100L); // the newest checkpoint beyond the chunk
        byte[] copy = damaged.clone();
        assertThat(JfrChunk.skipCarriedOverCheckpoints(ByteBuffer.wrap(copy), "r")).isZero();
        assertThat(copy).isEqualTo(damaged);
    }

    /** The start ticks of a chunk's checkpoints, newest first, by the chain from its header. */
    private static List<Long> chain(ByteBuffer chunk) {
        List<Long> starts = new ArrayList<>();
        long position = chunk.getLong(16);
        while (true) {
            ByteBuffer in = chunk.duplicate().position((int) position);
            JfrChunk.varlong(in); // size
            assertThat(JfrChunk.varlong(in)).isEqualTo(JfrChunk.CHECKPOINT);
            starts.add(JfrChunk.varlong(in));
            JfrChunk.varlong(in); // duration
            long delta = JfrChunk.varlong(in);
            if (delta == 0) {
                return starts;
            }
            position += delta;
        }
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }
}
