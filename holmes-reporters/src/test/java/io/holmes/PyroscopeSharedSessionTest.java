package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.reporters.PyroscopeReporter;
import io.holmes.testing.Burner;
import io.holmes.testing.FakeTicker;
import io.holmes.testing.RecordingReporter;
import io.holmes.testing.ScriptedProbe;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import okhttp3.MediaType;
import okhttp3.MultipartReader;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CPU and a MEM trigger of one tick share one profiling session, so both events hold the same JFR. The
 * Pyroscope server converts every event type of an upload into its profile type (grafana/jfr-parser,
 * {@code pprof/parser.go}, {@code parse}: execution samples and allocation events alike, whatever the query
 * says), so two uploads of that recording would count its CPU and its allocations twice. It is uploaded once,
 * labelled with both triggers. (In package {@code io.holmes} to script the readings.)
 */
class PyroscopeSharedSessionTest {

    @TempDir
    Path tmp;

    private static volatile Object sink;

    @Test
    void aRecordingSharedByCpuAndMem_isUploadedOnce_withBothTriggers() throws Exception {
        ScriptedProbe probe = new ScriptedProbe().set(5, 5, 30);
        FakeTicker ticker = new FakeTicker();
        RecordingReporter events = new RecordingReporter();
        try (MockWebServer server = new MockWebServer()) {
            for (int i = 0; i < 4; i++) {
                server.enqueue(new MockResponse().setResponseCode(200));
            }
            server.start();
            PyroscopeReporter pyroscope = PyroscopeReporter.builder(server.url("/").toString(), "holmes-test").build();
            Holmes holmes = Holmes.builder()
                    .collectInterval(Duration.ofHours(1))
                    .dumpPath(tmp)
                    .samplingTime(Duration.ofMillis(500))
                    .lookBack(Duration.ZERO) // the look-back window is an upload of its own, not this test's subject
                    .cpuDump(20, 100, 95, Duration.ofMinutes(1))
                    .memDump(20, 100, 95, Duration.ofMinutes(1))
                    .reporter(events)
                    .reporter(pyroscope)
                    .probe(probe)
                    .nanoTime(ticker)
                    .build().start();
            try (Burner burner = Burner.onAllCores()) {
                for (int i = 0; i < 10; i++) {
                    tick(holmes, probe, ticker, 5, 5);
                }
                tick(holmes, probe, ticker, 90, 90);
                // Burn and allocate while the session records, so that neither of its profiles is empty.
                await().atMost(30, TimeUnit.SECONDS).until(() -> {
                    for (int i = 0; i < 256; i++) {
                        sink = new byte[16 * 1024];
                    }
                    return events.events().size() == 2;
                });
                await().atMost(20, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() >= 1);
            } finally {
                holmes.close(); // delivers whatever is still queued before returning
            }
            assertThat(events.events()).extracting(DumpEvent::type)
                    .containsExactlyInAnyOrder(DumpType.CPU, DumpType.MEM);
            assertThat(server.getRequestCount()).isEqualTo(1);
            assertThat(pyroscope.deliveredUploads() + pyroscope.failedUploads() + pyroscope.droppedUploads())
                    .isEqualTo(1);

            RecordedRequest request = server.takeRequest();
            assertThat(request.getRequestUrl().queryParameter("name"))
                    .isEqualTo("holmes-test{holmes_reason=diff+diff,holmes_trigger=cpu+mem}");
            byte[] jfr = jfrPart(request);
            Path received = tmp.resolve("received.jfr");
            Files.write(received, jfr);
            Set<String> types = new HashSet<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(received)) {
                types.add(e.getEventType().getName());
            }
            // The one upload holds both profiles.
            assertThat(types).contains("jdk.ExecutionSample")
                    .containsAnyOf("jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB");
        }
    }

    private static void tick(Holmes holmes, ScriptedProbe probe, FakeTicker ticker, int cpu, int heap) {
        probe.set(cpu, heap, 30);
        ticker.advance(Duration.ofSeconds(1));
        holmes.tick(holmes.currentRun());
    }

    private static byte[] jfrPart(RecordedRequest request) throws Exception {
        MediaType type = MediaType.get(request.getHeader("Content-Type"));
        try (MultipartReader reader = new MultipartReader(request.getBody(), type.parameter("boundary"))) {
            MultipartReader.Part part;
            while ((part = reader.nextPart()) != null) {
                if (part.headers().get("Content-Disposition").contains("name=\"jfr\"")) {
                    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(part.body().readByteArray()))) {
                        return in.readAllBytes();
                    }
                }
            }
        }
        throw new AssertionError("no jfr part");
    }
}
