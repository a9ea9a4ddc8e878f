package io.holmes.reporters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.testing.Pprof;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pyroscope server's own rules, as its source (grafana/pyroscope) applies them to an {@code /ingest} request;
 * each test names the file and function it follows. What the MockWebServer receives is checked against them.
 */
class PyroscopeIngestRulesTest {

    @TempDir
    Path tmp;

    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private PyroscopeReporter.Builder reporter() {
        return PyroscopeReporter.builder(server.url("/").toString(), "holmes-test")
                .retryBackoff(Duration.ofMillis(20)).timeout(Duration.ofSeconds(5));
    }

    /**
     * {@code pkg/ingester/pyroscope/ingest_handler.go}, {@code readInputRawDataFromRequest}: with
     * {@code format=pprof} the handler takes the whole body as one pprof before it looks at the content type, so a
     * multipart body fails to parse (422). Only without {@code format} does a {@code multipart/form-data} body go
     * to the pprof converter part by part ({@code pkg/og/convert/pprof/profile.go}, {@code loadPprofFromForm}:
     * parts {@code profile} and {@code sample_type_config}).
     */
    @Test
    void aThreadDump_goesAsMultipartPprof_withoutAFormatParameter() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        PyroscopeReporter pyroscope = reporter().build();
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).lookBack(Duration.ZERO).reporter(pyroscope).build().start()) {
            holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
            RecordedRequest request = server.takeRequest(20, TimeUnit.SECONDS);
            assertThat(request).isNotNull();

            HttpUrl url = request.getRequestUrl();
            assertThat(url.encodedPath()).isEqualTo("/ingest");
            assertThat(url.queryParameterNames()).doesNotContain("format");
            assertThat(url.queryParameter("name")).isEqualTo("holmes-test{holmes_reason=manual,holmes_trigger=thread}");
            assertThat(request.getHeader("Content-Type")).startsWith("multipart/form-data; boundary=");
            Multipart body = Multipart.of(request);
            assertThat(body.names()).containsExactly("profile", "sample_type_config");
            assertThat(body.part("profile").filename()).isEqualTo("profile.pprof");
            assertThat(Pprof.parse(body.part("profile").bytes()).samples()).anySatisfy(s -> assertThat(
                    s.contains("PyroscopeIngestRulesTest.aThreadDump_goesAsMultipartPprof_withoutAFormatParameter"))
                    .isTrue());
            await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 1);
        }
    }

    /**
     * {@code pkg/og/convert/pprof/profile.go}, {@code metricName}: the server names a pprof after its sample types,
     * each one read through the display name in {@code sample_type_config}; the first that contains {@code cpu}
     * makes it {@code process_cpu}, and the config drops no sample type. {@code createLabels} then files it under
     * that name. The distributor makes a series of every distinct set of string sample labels, so a label per
     * thread name is a series per thread. The upload must therefore carry one sample type that names no CPU, and
     * a label with a handful of values; the file on disk keeps everything.
     */
    @Test
    void aThreadDump_isFiledUnderThreads_neverProcessCpu_inAHandfulOfSeries() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        PyroscopeReporter pyroscope = reporter().build();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch parked = new CountDownLatch(40);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Thread t = new Thread(() -> {
                parked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "worker-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).lookBack(Duration.ZERO).reporter(pyroscope).build().start()) {
            assertThat(parked.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(10, TimeUnit.SECONDS).until(() -> threads.stream()
                    .allMatch(t -> t.getState() == Thread.State.WAITING));
            DumpEvent event = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
            RecordedRequest request = server.takeRequest(20, TimeUnit.SECONDS);
            Multipart body = Multipart.of(request);
            Pprof uploaded = Pprof.parse(body.part("profile").bytes());
            JsonNode config = new ObjectMapper().readTree(body.part("sample_type_config").text());

            // Name every sample type as metricName does; none may make the profile process_cpu.
            assertThat(uploaded.sampleTypes()).containsExactly("threads/count");
            for (String sampleType : uploaded.sampleTypes()) {
                String type = sampleType.substring(0, sampleType.indexOf('/'));
                JsonNode configured = config.get(type);
                String shown = configured != null && configured.hasNonNull("display-name")
                        ? configured.get("display-name").asText() : type;
                assertThat(shown).isEqualTo("threads").doesNotContain("cpu");
            }
            // One sample per live thread, each counting one thread, labelled only with its state.
            Pprof local = Pprof.read(event.files().stream().filter(p -> p.toString().endsWith(".pb.gz"))
                    .findFirst().orElseThrow());
            assertThat(uploaded.samples()).hasSameSizeAs(local.samples()).hasSizeGreaterThanOrEqualTo(40);
            assertThat(uploaded.samples()).allSatisfy(s -> {
                assertThat(s.values()).containsExactly(1L);
                assertThat(s.labels().keySet()).containsExactly("state");
                assertThat(s.numLabels()).isEmpty();
            });
            Set<Map<String, String>> series = new HashSet<>();
            uploaded.samples().forEach(s -> series.add(s.labels()));
            assertThat(series).hasSizeLessThanOrEqualTo(Thread.State.values().length)
                    .contains(Map.of("state", "WAITING"));
            assertThat(uploaded.samples()).anySatisfy(s -> assertThat(s.contains(
                    "PyroscopeIngestRulesTest.lambda$aThreadDump_isFiledUnderThreads")).isTrue());
            // The file on disk is untouched: both sample types, the thread names.
            assertThat(local.sampleTypes()).containsExactly("threads/count", "cpu/nanoseconds");
            assertThat(local.samples()).anySatisfy(s -> assertThat(s.labels()).containsEntry("thread", "worker-7"));
        } finally {
            release.countDown();
        }
    }

    /**
     * {@code api/model/labelset/validate.go}, {@code ValidateServiceName} and {@code ValidateLabelName} (called
     * from {@code labelset.Parse} in the ingest handler): service names of runes {@code [A-Za-z0-9_./-]}, label
     * names of {@code [A-Za-z0-9_.]}, else 400. {@code pkg/og/convert/pprof/profile.go}, {@code createLabels}, and
     * the JFR labels: the server sets {@code service_name}, {@code pyroscope_spy} and {@code jfr_event} itself and
     * drops {@code __*} keys ({@code IsLabelAllowedForIngestion}); a user label with one of those names is refused
     * (422), replaces the service name, or vanishes.
     */
    @Test
    void namesTheServerWouldRefuseOrRewrite_areRefusedAtBuild_namingOptionAndValue() {
        assertThatThrownBy(() -> reporter0("holmes:demo", Map.of()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("applicationName").hasMessageContaining("'holmes:demo'");
        assertThatThrownBy(() -> reporter0("holmes demo", Map.of()).build())
                .hasMessageContaining("applicationName").hasMessageContaining("'holmes demo'");
        assertThatThrownBy(() -> reporter0("app", Map.of("k8s-cluster", "eu")).build())
                .hasMessageContaining("label key").hasMessageContaining("'k8s-cluster'");
        for (String reserved : List.of("service_name", "pyroscope_spy", "jfr_event", "__x", "__name__",
                "holmes_trigger", "holmes_reason")) {
            assertThatThrownBy(() -> reporter0("app", Map.of(reserved, "v")).build())
                    .as(reserved).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("label key '" + reserved + "' is reserved");
        }
        // All problems at once.
        assertThatThrownBy(() -> reporter0("a:b", Map.of("k-1", "v", "service_name", "x")).build())
                .hasMessageContaining("'a:b'").hasMessageContaining("'k-1'").hasMessageContaining("'service_name'");
        // What the server accepts is accepted.
        try (PyroscopeReporter ok = reporter0("team/holmes-demo_v2.1", Map.of("k8s_cluster.name", "eu-1")).build()) {
            assertThat(ok.toString()).contains("team/holmes-demo_v2.1").contains("k8s_cluster.name=eu-1");
        }
    }

    private PyroscopeReporter.Builder reporter0(String application, Map<String, String> labels) {
        return PyroscopeReporter.builder(server.url("/").toString(), application).labels(labels);
    }

    /**
     * {@code pkg/validation/validate.go}, {@code newIngestionWindow}, with the defaults of
     * {@code pkg/validation/limits.go} ({@code validation.reject-older-than} 1h, {@code reject-newer-than} 10m):
     * the server refuses a profile older than an hour. Holmes does not send one, and counts it as dropped.
     */
    @Test
    void aCaptureOlderThanTheServersWindow_isDroppedAndCounted_notSent() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        try (PyroscopeReporter pyroscope = reporter().maxRetries(3).build()) {
            pyroscope.report(Events.cpu(tmp, 1, "old", Instant.now().minus(Duration.ofHours(2))));
            pyroscope.report(Events.cpu(tmp, 2, "fresh", Instant.now().minus(Duration.ofMinutes(1))));

            await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 1);
            assertThat(pyroscope.droppedUploads()).isEqualTo(1);
            assertThat(pyroscope.failedUploads()).isZero();
            assertThat(server.getRequestCount()).isEqualTo(1);
            assertThat(Multipart.of(server.takeRequest()).part("jfr").gunzipped()).isEqualTo("fresh".getBytes());
        }
    }

    /** The same window, reached while retrying: once the capture is too old the retries stop, counted as dropped. */
    @Test
    void aCaptureThatAgesOutWhileRetried_isDropped_notRetriedAgain() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        server.setDispatcher(new okhttp3.mockwebserver.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                clock.advance(Duration.ofMinutes(30));
                return new MockResponse().setResponseCode(503);
            }
        });
        try (PyroscopeReporter pyroscope = reporter().maxRetries(10).clock(clock).build()) {
            pyroscope.report(Events.cpu(tmp, 1, "x", clock.instant().minus(Duration.ofMinutes(10))));

            await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.droppedUploads() == 1);
            // 10 min old: sent, 503; 40 min: sent again, 503; 70 min: too old, dropped.
            assertThat(server.getRequestCount()).isEqualTo(2);
            assertThat(pyroscope.retriedUploads()).isEqualTo(1);
            assertThat(pyroscope.failedUploads()).isZero();
            assertThat(pyroscope.deliveredUploads()).isZero();
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends java.time.Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
