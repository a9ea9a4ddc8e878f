package io.holmes.reporters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.testing.RecordingReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holmes' report counters say what the server did, not that an upload was queued: delivered means the server
 * answered 2xx. A plain reporter's returning {@code report()} still counts as its delivery.
 */
class DeliveryCountsTest {

    @TempDir
    Path tmp;

    @Test
    void holmesCountsAnUploadWhereItsOutcomeHappens_notWhenItIsQueued() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setResponseCode(500));
            server.enqueue(new MockResponse().setResponseCode(503));
            server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "http://127.0.0.1:9/"));
            server.enqueue(new MockResponse().setResponseCode(200));
            server.start();
            PyroscopeReporter pyroscope = PyroscopeReporter.builder(server.url("/").toString(), "holmes-test")
                    .maxRetries(1).retryBackoff(Duration.ofMillis(10)).build();
            // The plain reporter runs first: its count is in before the upload is even queued.
            RecordingReporter plain = new RecordingReporter();
            try (Holmes holmes = Holmes.builder().dumpPath(tmp).lookBack(Duration.ZERO).reporter(plain).reporter(pyroscope)
                    .build().start()) {
                // 500, then 503 on the retry: given up on.
                holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                await().atMost(20, TimeUnit.SECONDS).until(() -> pyroscope.failedUploads() == 1);
                assertThat(holmes.failedReports()).isEqualTo(1);
                assertThat(holmes.deliveredReports()).as("only the plain reporter's call").isEqualTo(1);

                // 302: a failure, never a delivery.
                holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                await().atMost(20, TimeUnit.SECONDS).until(() -> pyroscope.failedUploads() == 2);
                assertThat(holmes.failedReports()).isEqualTo(2);
                assertThat(holmes.deliveredReports()).isEqualTo(2);

                // 200: delivered, once.
                holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                await().atMost(20, TimeUnit.SECONDS).until(() -> pyroscope.deliveredUploads() == 1);
                assertThat(holmes.deliveredReports()).isEqualTo(3 + 1);
                assertThat(holmes.failedReports()).isEqualTo(2);
                assertThat(pyroscope.retriedUploads()).isEqualTo(1);
                assertThat(holmes.droppedReports()).isZero();
            }
            assertThat(server.getRequestCount()).isEqualTo(4);
        }
    }
}
