package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.DumpType;
import io.holmes.testing.Pprof;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

        JfrConversions.View view = JfrConversions.view(jfr, args, title);
        ByteArrayOutputStream viewPprof = new ByteArrayOutputStream();
        ByteArrayOutputStream viewFlame = new ByteArrayOutputStream();
        view.writePprof(viewPprof);
        view.writeFlameGraph(viewFlame);

        byte[] expected = gunzip(pprof.toByteArray());
        assertThat(gunzip(viewPprof.toByteArray())).as("pprof of %s", args).isEqualTo(expected);
        String html = viewFlame.toString(StandardCharsets.UTF_8);
        assertThat(html).as("flame graph of %s", args).isEqualTo(flame.toString(StandardCharsets.UTF_8))
                .contains(title);
        // Not two empty outputs: the recording has samples of each view.
        Pprof profile = Pprof.parse(expected);
        assertThat(profile.total(profile.sampleTypes().size() - 1)).as("samples in %s", args).isPositive();
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }
}
