package io.holmes.reporters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile servers on loopback against both reporters, with every kind of secret configured: a server that
 * redirects to another (which records whatever reaches it), servers that echo the request back in their error
 * answers, and addresses that carry credentials. Nothing secret may reach the second server, a log line or an
 * exception message.
 */
class ReporterSecurityTest {

    private static final String BEARER = "tok-3f9a1c-S3CRET";
    private static final String API_KEY = "k3y-77-S3CRET";
    private static final String BASIC_USER = "holmes";
    private static final String BASIC_PASSWORD = "p@ss w0rd-S3CRET";
    private static final String HOOK_TOKEN = "hook-t0k-S3CRET";
    private static final String HOOK_SIGNATURE = "sig-9-S3CRET";
    private static final String HOOK_KEY = "qk-S3CRET";

    /** Every form in which a configured secret could leak. */
    private static final List<String> SECRETS = List.of(BEARER, API_KEY, BASIC_PASSWORD, "p%40ss", HOOK_TOKEN,
            HOOK_SIGNATURE, HOOK_KEY, "S3CRET",
            Base64.getEncoder().encodeToString((BASIC_USER + ":" + BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8)));

    @TempDir
    Path tmp;

    private final MockWebServer hostile = new MockWebServer();
    private final MockWebServer elsewhere = new MockWebServer();
    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        hostile.start();
        elsewhere.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
        hostile.shutdown();
        elsewhere.shutdown();
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeMe.add(c);
        return c;
    }

    private PyroscopeReporter bearerPyroscope() {
        return closeLater(PyroscopeReporter.builder(hostile.url("/").toString(), "holmes-test").bearerToken(BEARER)
                .headers(Map.of("X-Api-Key", API_KEY)).maxRetries(1).retryBackoff(Duration.ofMillis(10)).build());
    }

    private PyroscopeReporter basicPyroscope() {
        return closeLater(PyroscopeReporter.builder(hostile.url("/").toString(), "holmes-test")
                .basicAuth(BASIC_USER, BASIC_PASSWORD).maxRetries(1).retryBackoff(Duration.ofMillis(10)).build());
    }

    private HttpReporter webhook() {
        return closeLater(HttpReporter.builder(hostile.url("/hook?key=" + HOOK_KEY).toString()).token(HOOK_TOKEN)
                .headers(Map.of("X-Hook-Signature", HOOK_SIGNATURE)).maxRetries(1)
                .retryBackoff(Duration.ofMillis(10)).build());
    }

    /**
     * OkHttp follows redirects by default, and a 307/308 keeps the method and body: the token, the headers and
     * every capture would go to the target. A 302 would become a GET to the target, answered 200, counted as
     * delivered. No redirect is followed: the server sees one request, the target none, and the event is failed.
     */
    @Test
    void aRedirectIsNeverFollowed_theTargetGetsNothing_andItIsAFailure() throws Exception {
        String target = elsewhere.url("/steal?what=everything").toString();
        int[] statuses = {301, 302, 303, 307, 308};
        String logged = captureLog(() -> {
            int n = 0;
            for (int status : statuses) {
                for (UploadingReporter reporter : List.of(bearerPyroscope(), basicPyroscope(), webhook())) {
                    hostile.enqueue(new MockResponse().setResponseCode(status).setHeader("Location", target));
                    elsewhere.enqueue(new MockResponse().setResponseCode(200));
                    reporter.report(Events.cpu(tmp, n++, "capture"));
                    await().atMost(10, TimeUnit.SECONDS).until(() -> reporter.failedUploads() == 1);
                    assertThat(reporter.deliveredUploads()).isZero();
                    assertThat(reporter.retriedUploads()).isZero();
                }
            }
        });
        assertThat(elsewhere.getRequestCount()).isZero();
        assertThat(hostile.getRequestCount()).isEqualTo(statuses.length * 3);
        for (int status : statuses) {
            assertThat(logged).contains("redirect (" + status + ") to http://" + elsewhere.getHostName() + ":"
                    + elsewhere.getPort());
        }
        assertThat(logged).doesNotContain("/steal").doesNotContain("everything");
        assertNoSecret(logged);
    }

    /**
     * Servers that answer 401, then 503, with the request they got (request line, headers, body) in the body:
     * Holmes logs the server's message, masked for every configured secret in every form, and capped.
     */
    @Test
    void echoingServers_neverGetASecretIntoTheLog() throws Exception {
        AtomicInteger status = new AtomicInteger();
        hostile.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String echo = "you sent: " + request.getRequestLine() + "\n" + request.getHeaders() + "\n"
                        + request.getBody().readString(StandardCharsets.ISO_8859_1);
                return new MockResponse().setResponseCode(status.get()).setBody(echo);
            }
        });
        List<UploadingReporter> reporters = List.of(bearerPyroscope(), basicPyroscope(), webhook());
        String logged = captureLog(() -> {
            int n = 0;
            for (UploadingReporter reporter : reporters) {
                status.set(401); // refused at once, the echo logged
                reporter.report(Events.cpu(tmp, n++, "capture"));
                await().atMost(10, TimeUnit.SECONDS).until(() -> reporter.failedUploads() == 1);
                status.set(503); // retried once, then given up on, the echo logged
                reporter.report(Events.cpu(tmp, n++, "capture"));
                await().atMost(10, TimeUnit.SECONDS).until(() -> reporter.failedUploads() == 2);
                assertThat(reporter.retriedUploads()).isEqualTo(1);
            }
        });
        // The echoes were logged (masked), so the test saw what it is about.
        assertThat(logged).contains("with 401").contains("after 2 attempts: 503").contains("you sent: POST")
                .contains("***");
        assertNoSecret(logged);
        for (String line : logged.split("\n")) {
            assertThat(line.length()).as("a log line").isLessThan(1_000);
        }
    }

    /**
     * A URL without a scheme ({@code user:pass@host}), a password containing {@code @}, an address with
     * {@code ?token=}: the configuration error names the option and why, never the secret.
     */
    @Test
    void configurationErrors_nameTheOption_butNeverTheSecret() {
        List<Executable> builds = List.of(
                () -> PyroscopeReporter.builder("bob:S3CRET-pw@pyroscope:4040", "app").build(),
                () -> PyroscopeReporter.builder("http://bob:p@S3CRET@pyroscope:4040", "app").build(),
                () -> PyroscopeReporter.builder("htp://bob:p@S3CRET@pyroscope:4040", "app").build(),
                () -> PyroscopeReporter.builder("http://pyroscope:4040/?token=S3CRET-tok", "app").build(),
                () -> PyroscopeReporter.builder("pyroscope:4040/?token=S3CRET-tok", "app").build(),
                () -> HttpReporter.builder("hooks.example.com/h?token=S3CRET-tok").build(),
                () -> HttpReporter.builder("ftp://bob:S3CRET-pw@example.com/").build(),
                () -> HttpReporter.builder("https://bob:p@S3CRET@example.com/").build());
        for (Executable build : builds) {
            assertThatThrownBy(build::execute).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("serverAddress", "url")
                            .doesNotContain("S3CRET"));
        }
        assertThat(PyroscopeReporter.builder("http://bob:p@S3CRET@pyroscope:4040", "app").bearerToken(BEARER)
                .toString()).doesNotContain("S3CRET");
    }

    private static void assertNoSecret(String text) {
        for (String secret : SECRETS) {
            assertThat(text).as("log output").doesNotContain(secret);
        }
    }

    /** Runs {@code body} with slf4j-simple's output (System.err) captured, and returns what was logged. */
    private static String captureLog(Executable body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            body.execute();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            System.setErr(original);
        }
        return log.toString(StandardCharsets.UTF_8);
    }
}
