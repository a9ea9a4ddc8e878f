package io.holmes.reporters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.testing.Burner;
import io.holmes.testing.Jfr;
import io.holmes.testing.Pprof;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request the reporter sends is taken apart: query, headers, multipart parts, and the profile inside. */
class PyroscopeReporterTest {

    @TempDir
    Path tmp;

    private final MockWebServer server = new MockWebServer();
    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        server.shutdown();
    }

    private PyroscopeReporter.Builder reporter() {
        return PyroscopeReporter.builder(server.url("/").toString(), "holmes-test")
                .retryBackoff(Duration.ofMillis(20))
                .timeout(Duration.ofSeconds(5));
    }

    /** The delivery threads alive now; a test checks only the threads it started, not those of earlier tests. */
    private static Set<Thread> deliveryThreads() {
        Set<Thread> threads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("holmes-pyroscope") && t.isAlive()) {
                threads.add(t);
            }
        }
        return threads;
    }

    /** Waits (bounded) until no delivery thread other than those in {@code before} is alive. */
    private static void awaitNoNewDeliveryThread(Set<Thread> before) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> {
            Set<Thread> now = deliveryThreads();
            now.removeAll(before);
            return now.isEmpty();
        });
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeMe.add(c);
        return c;
    }

    @Test
    void aCpuCaptureGoesAsGzippedJfr_namedWithSortedLabelsAndTheTrigger() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        Set<Thread> before = deliveryThreads();
        PyroscopeReporter pyroscope = reporter().labels(Map.of("region", "eu", "env", "test")).build();
        DumpEvent event;
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).lookBack(Duration.ZERO).samplingTime(Duration.ofSeconds(1))
                .reporter(pyroscope).build().start();
             Burner burner = Burner.onAllCores()) {
            event = holmes.dump(DumpType.CPU).get(30, TimeUnit.SECONDS);
            RecordedRequest request = server.takeRequest(20, TimeUnit.SECONDS);
            assertThat(request).isNotNull();

            assertThat(request.getMethod()).isEqualTo("POST");
            HttpUrl url = request.getRequestUrl();
            assertThat(url.encodedPath()).isEqualTo("/ingest");
            assertThat(url.queryParameter("name"))
                    .isEqualTo("holmes-test{env=test,holmes_reason=manual,holmes_trigger=cpu,region=eu}");
            assertThat(Long.parseLong(url.queryParameter("from"))).isLessThanOrEqualTo(event.start().getEpochSecond());
            assertThat(Long.parseLong(url.queryParameter("until"))).isGreaterThan(event.end().getEpochSecond() - 1)
                    .isGreaterThan(Long.parseLong(url.queryParameter("from")));
            assertThat(url.queryParameter("format")).isEqualTo("jfr");
            assertThat(url.queryParameter("spyName")).isEqualTo("javaspy");
            assertThat(url.queryParameter("sampleRate")).isEqualTo("100");
            assertThat(url.queryParameter("units")).isEqualTo("samples");
            assertThat(url.queryParameter("aggregationType")).isEqualTo("sum");

            Multipart body = Multipart.of(request);
            assertThat(body.names()).containsExactly("jfr");
            Multipart.Part jfr = body.part("jfr");
            assertThat(jfr.filename()).isEqualTo("jfr");
            assertThat(jfr.isGzip()).isTrue();
            Path received = tmp.resolve("received.jfr");
            Files.write(received, jfr.gunzipped());
            assertThat(received).hasSameBinaryContentAs(event.files().get(0));
            assertThat(Jfr.stacks(received, Set.of("jdk.ExecutionSample")))
                    .anySatisfy(s -> assertThat(s).anyMatch(f -> f.endsWith("Burner.burnCpuInHolmesTest")));
            await().atMost(20, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 1);
        }
        // Holmes closed the reporter with itself: its thread ends, and it takes no more events.
        awaitNoNewDeliveryThread(before);
        pyroscope.report(Events.cpu(tmp, 1, "after close"));
        assertThat(pyroscope.droppedUploads()).isEqualTo(1);
    }

    /**
     * The window before the trigger goes as its own upload over its own time range, labelled so. It is sent as JFR
     * even for a thread event: the server's JFR parser (grafana/jfr-parser {@code pprof/parser.go}, {@code parse})
     * turns {@code jdk.ExecutionSample}, {@code jdk.ObjectAllocationSample}, {@code jdk.JavaMonitorEnter} and
     * {@code jdk.ThreadPark} into profiles of their own.
     */
    @Test
    void theLookBackWindowIsItsOwnUpload_overItsOwnTimeRange_labelledBefore() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        server.enqueue(new MockResponse().setResponseCode(200));
        PyroscopeReporter pyroscope = reporter().build();
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).lookBack(Duration.ofSeconds(30)).reporter(pyroscope)
                .build().start()) {
            await().atMost(60, TimeUnit.SECONDS).until(holmes::isLookBackRecording);
            DumpEvent event = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
            DumpEvent.LookBack window = event.lookBack().orElseThrow();
            List<RecordedRequest> requests = List.of(server.takeRequest(20, TimeUnit.SECONDS),
                    server.takeRequest(20, TimeUnit.SECONDS));

            RecordedRequest forward = requests.stream().filter(r -> !r.getRequestUrl().queryParameter("name")
                    .contains("holmes_window")).findFirst().orElseThrow();
            assertThat(forward.getRequestUrl().queryParameter("name"))
                    .isEqualTo("holmes-test{holmes_reason=manual,holmes_trigger=thread}");
            assertThat(Multipart.of(forward).names()).containsExactly("profile", "sample_type_config");

            RecordedRequest before = requests.stream().filter(r -> r != forward).findFirst().orElseThrow();
            HttpUrl url = before.getRequestUrl();
            assertThat(url.queryParameter("name"))
                    .isEqualTo("holmes-test{holmes_reason=manual,holmes_trigger=thread,holmes_window=before}");
            assertThat(url.queryParameter("format")).isEqualTo("jfr");
            assertThat(url.queryParameter("sampleRate")).isEqualTo("20");
            assertThat(Long.parseLong(url.queryParameter("from"))).isEqualTo(window.from().getEpochSecond());
            assertThat(Long.parseLong(url.queryParameter("until")))
                    .isBetween(window.to().getEpochSecond(), window.to().getEpochSecond() + 1)
                    .isLessThanOrEqualTo(Long.parseLong(forward.getRequestUrl().queryParameter("until")));
            Multipart body = Multipart.of(before);
            assertThat(body.names()).containsExactly("jfr");
            Path beforeJfr = window.files().stream().filter(f -> f.toString().endsWith(".before.jfr")).findFirst()
                    .orElseThrow();
            assertThat(body.part("jfr").gunzipped()).isEqualTo(Files.readAllBytes(beforeJfr));
            await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 2);
        }
    }

    @Test
    void aLabelNamedLikeTheWindowLabel_isRefused() {
        assertThatThrownBy(() -> reporter().labels(Map.of("holmes_window", "x")).build())
                .hasMessageContaining("holmes_window");
    }

    @Test
    void basicAuthTenantAndExtraHeaders_areSent() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        server.enqueue(new MockResponse().setResponseCode(200));
        PyroscopeReporter basic = closeLater(reporter().basicAuth("holmes", "pa55:word").tenantId("team-a")
                .headers(Map.of("X-Extra", "1")).build());
        basic.report(Events.cpu(tmp, 1_000, "x"));
        RecordedRequest first = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(first.getHeader("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("holmes:pa55:word".getBytes(StandardCharsets.UTF_8)));
        assertThat(first.getHeader("X-Scope-OrgID")).isEqualTo("team-a");
        assertThat(first.getHeader("X-Extra")).isEqualTo("1");

        PyroscopeReporter bearer = closeLater(reporter().bearerToken("t0ken").build());
        bearer.report(Events.cpu(tmp, 1_001, "x"));
        RecordedRequest second = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(second.getHeader("Authorization")).isEqualTo("Bearer t0ken");
        assertThat(second.getHeader("X-Scope-OrgID")).isNull();
    }

    @Test
    void a503IsRetried_thenDelivered() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "0"));
        server.enqueue(new MockResponse().setResponseCode(200));
        PyroscopeReporter pyroscope = closeLater(reporter().maxRetries(3).build());

        pyroscope.report(Events.cpu(tmp, 2_000, "profile"));

        await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 1);
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(pyroscope.retriedUploads()).isEqualTo(2);
        assertThat(pyroscope.failedUploads()).isZero();
        for (int i = 0; i < 3; i++) {
            // Each attempt carries the whole profile again.
            assertThat(Multipart.of(server.takeRequest()).part("jfr").gunzipped()).isEqualTo("profile".getBytes());
        }
    }

    @Test
    void a400IsNotRetried_andTheServersMessageIsLogged_withoutSecrets() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(400).setBody("invalid label name\n"));
        server.enqueue(new MockResponse().setResponseCode(200));
        PyroscopeReporter pyroscope = closeLater(reporter().basicAuth("holmes", "hunter2-secret").maxRetries(5).build());
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            pyroscope.report(Events.cpu(tmp, 3_000, "refused"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.failedUploads() == 1);
            pyroscope.report(Events.cpu(tmp, 3_001, "accepted"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 1);
        } finally {
            System.setErr(originalErr);
        }
        // The second request is the second event: the first was never sent again.
        assertThat(server.takeRequest().getRequestUrl().queryParameter("from")).isEqualTo(Events.from(3_000));
        assertThat(server.takeRequest().getRequestUrl().queryParameter("from")).isEqualTo(Events.from(3_001));
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(pyroscope.retriedUploads()).isZero();
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("with 400").contains("invalid label name").contains("not retried")
                .doesNotContain("hunter2").doesNotContain(Base64.getEncoder().encodeToString(
                        "holmes:hunter2-secret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unauthorisedAndTooLarge_areFinal_likeEvery4xxBut429() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(401).setBody("bad credentials"));
        server.enqueue(new MockResponse().setResponseCode(413).setBody("profile too large"));
        server.enqueue(new MockResponse().setResponseCode(200));
        PyroscopeReporter pyroscope = closeLater(reporter().maxRetries(5).build());
        pyroscope.report(Events.cpu(tmp, 8_000, "a"));
        pyroscope.report(Events.cpu(tmp, 8_001, "b"));
        pyroscope.report(Events.cpu(tmp, 8_002, "c"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 1);
        assertThat(pyroscope.failedUploads()).isEqualTo(2);
        assertThat(pyroscope.retriedUploads()).isZero();
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void aFullQueueDropsTheOldestWaitingEvent_andCountsIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstArrived = new CountDownLatch(1);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                firstArrived.countDown();
                release.await(20, TimeUnit.SECONDS);
                return new MockResponse().setResponseCode(200);
            }
        });
        PyroscopeReporter pyroscope = closeLater(reporter().queueCapacity(2).timeout(Duration.ofSeconds(30)).build());

        pyroscope.report(Events.cpu(tmp, 4_000, "in flight"));
        assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < 10; i++) {
            pyroscope.report(Events.cpu(tmp, 4_000 + i, "queued"));
        }
        assertThat(pyroscope.droppedUploads()).isEqualTo(7);
        assertThat(pyroscope.queuedUploads()).isEqualTo(2);
        release.countDown();

        await().atMost(10, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 3);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(server.takeRequest().getRequestUrl().queryParameter("from"));
        }
        assertThat(sent).containsExactly(Events.from(4_000), Events.from(4_008), Events.from(4_009));
    }

    @Test
    void aDeadServer_costsRetriesAndACounter_andNeverBlocksReportOrClose() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Set<Thread> before = deliveryThreads();
        PyroscopeReporter pyroscope = PyroscopeReporter.builder("http://127.0.0.1:" + port, "holmes-test")
                .maxRetries(2).retryBackoff(Duration.ofMillis(20)).timeout(Duration.ofSeconds(2)).build();

        for (int i = 0; i < 5; i++) {
            pyroscope.report(Events.cpu(tmp, 5_000 + i, "x"));
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> pyroscope.failedUploads() == 5);
        assertThat(pyroscope.retriedUploads()).isEqualTo(10);
        assertThat(pyroscope.deliveredUploads()).isZero();
        pyroscope.close();
        awaitNoNewDeliveryThread(before);
    }

    @Test
    void aServerThatNeverAnswers_isCutOffByTheTimeout_andCloseReturnsWithinIt() throws Exception {
        for (int i = 0; i < 10; i++) {
            server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        }
        Duration timeout = Duration.ofMillis(800);
        Set<Thread> before = deliveryThreads();
        // Twenty retries of each event would take over 30 s: a close that waited for them could not meet the bound.
        PyroscopeReporter pyroscope = reporter().timeout(timeout).maxRetries(20).build();
        pyroscope.report(Events.cpu(tmp, 6_000, "x"));
        pyroscope.report(Events.cpu(tmp, 6_001, "x"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.getRequestCount() >= 2);

        long started = System.nanoTime();
        pyroscope.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        // A bound on a guarantee, not a speed target: close waits for the timeout and no more (plus generous slack
        // for a busy machine, still far below what the retries would take).
        assertThat(closeMillis).isLessThan(timeout.toMillis() + 8_000);
        // The cancelled upload is counted by the delivery thread as it ends, which may be just after close()
        // returned: wait for that exact state, then every event is accounted for.
        awaitNoNewDeliveryThread(before);
        assertThat(pyroscope.deliveredUploads()).isZero();
        assertThat(pyroscope.failedUploads() + pyroscope.droppedUploads()).isEqualTo(2);
    }

    @Test
    void badOptionsAreAllNamed_andNoSecretIsEchoed() {
        assertThatThrownBy(() -> PyroscopeReporter.builder("http://bob:hunter2@pyroscope:4040", "my app")
                .labels(Map.of("env", "prod", "bad key", "v", "k=1", "v", "holmes_trigger", "x", "ok", "a,b"))
                .basicAuth("holmes", "s3cret").bearerToken("t0ken-s3cret")
                .timeout(Duration.ZERO).maxRetries(-1).queueCapacity(0)
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serverAddress must not carry credentials")
                .hasMessageContaining("applicationName may only contain")
                .hasMessageContaining("'bad key'").hasMessageContaining("'k=1'")
                .hasMessageContaining("'holmes_trigger' is reserved")
                .hasMessageContaining("label 'ok'")
                .hasMessageContaining("bearerToken must not be set together with basicAuth")
                .hasMessageContaining("timeout").hasMessageContaining("maxRetries").hasMessageContaining("queueCapacity")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("s3cret"));
    }

    @Test
    void toStringShowsTheSetup_butNoSecret() {
        PyroscopeReporter pyroscope = closeLater(reporter().basicAuth("holmes", "hunter2")
                .headers(Map.of("X-Api-Key", "k3y-s3cret")).labels(Map.of("env", "prod")).build());
        assertThat(pyroscope.toString()).contains("holmes-test").contains("env=prod").contains("basic")
                .contains("X-Api-Key").doesNotContain("hunter2").doesNotContain("k3y-s3cret");
        PyroscopeReporter bearer = closeLater(reporter().bearerToken("t0ken-s3cret").build());
        assertThat(bearer.toString()).contains("bearer").doesNotContain("t0ken-s3cret");
    }

    @Test
    void aPathPrefixOnTheServerAddressIsKept() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        PyroscopeReporter pyroscope = closeLater(PyroscopeReporter.builder(server.url("/pyroscope").toString(), "app")
                .build());
        pyroscope.report(Events.cpu(tmp, 7_000, "x"));
        assertThat(server.takeRequest(10, TimeUnit.SECONDS).getRequestUrl().encodedPath()).isEqualTo("/pyroscope/ingest");
    }
}
