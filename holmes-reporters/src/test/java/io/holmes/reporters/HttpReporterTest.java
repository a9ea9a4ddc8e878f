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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpReporterTest {

    @TempDir
    Path tmp;

    @Test
    void postsTheEventJsonTheTokenAndEveryCaptureFile() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setResponseCode(204));
            server.start();
            HttpReporter webhook = HttpReporter.builder(server.url("/hooks/holmes").toString()).token("hook-t0ken").build();
            DumpEvent event;
            try (Holmes holmes = Holmes.builder().dumpPath(tmp).lookBack(Duration.ZERO).reporter(webhook).build()
                    .start()) {
                event = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                RecordedRequest request = server.takeRequest(20, TimeUnit.SECONDS);

                assertThat(request.getMethod()).isEqualTo("POST");
                assertThat(request.getPath()).isEqualTo("/hooks/holmes");
                Multipart body = Multipart.of(request);
                assertThat(body.names()).containsExactly("event", "type", "reason", "token", "file", "file");
                assertThat(body.part("type").text()).isEqualTo("thread");
                assertThat(body.part("reason").text()).isEqualTo("manual");
                assertThat(body.part("token").text()).isEqualTo("hook-t0ken");

                JsonNode json = new ObjectMapper().readTree(body.part("event").bytes());
                assertThat(json.get("id").asText()).isEqualTo(event.id());
                assertThat(body.part("event").filename()).endsWith(".json").startsWith("thread.");

                Multipart.Part text = body.parts().stream().filter(p -> "file".equals(p.name())
                        && p.filename().endsWith(".txt")).findFirst().orElseThrow();
                Path txt = event.files().stream().filter(p -> p.toString().endsWith(".txt")).findFirst().orElseThrow();
                assertThat(text.filename()).isEqualTo(txt.getFileName().toString());
                assertThat(text.bytes()).isEqualTo(Files.readAllBytes(txt));
                Multipart.Part pprof = body.parts().stream().filter(p -> "file".equals(p.name())
                        && p.filename().endsWith(".pb.gz")).findFirst().orElseThrow();
                assertThat(Pprof.parse(pprof.gunzipped()).samples()).isNotEmpty();
                await().atMost(20, TimeUnit.SECONDS).until(() -> webhook.deliveredUploads() == 1);
            }
        }
    }

    @Test
    void sendsTheLookBackFilesToo_namedSoTheWindowBeforeTheTriggerIsTold() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setResponseCode(204));
            server.start();
            HttpReporter webhook = HttpReporter.builder(server.url("/hooks/holmes").toString()).build();
            try (Holmes holmes = Holmes.builder().dumpPath(tmp).lookBack(Duration.ofSeconds(30)).reporter(webhook)
                    .build().start()) {
                await().atMost(60, TimeUnit.SECONDS).until(holmes::isLookBackRecording);
                DumpEvent event = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                Multipart body = Multipart.of(server.takeRequest(20, TimeUnit.SECONDS));

                DumpEvent.LookBack lookBack = event.lookBack().orElseThrow();
                assertThat(lookBack.files()).hasSize(3);
                for (Path file : lookBack.files()) {
                    Multipart.Part part = body.parts().stream().filter(p -> "file".equals(p.name())
                            && p.filename().equals(file.getFileName().toString())).findFirst().orElseThrow();
                    assertThat(part.filename()).contains(".before.");
                    assertThat(part.bytes()).isEqualTo(Files.readAllBytes(file));
                }
                // The forward capture goes along as before.
                assertThat(body.parts()).anyMatch(p -> p.filename() != null && p.filename().matches("thread\\.[0-9.-]+\\.txt"));
                JsonNode json = new ObjectMapper().readTree(body.part("event").bytes());
                assertThat(json.get("lookBack").get("window").asText()).isEqualTo("before the trigger");
                assertThat(json.get("lookBack").get("files")).hasSize(3);
            }
        }
    }

    @Test
    void retriesA502_andGivesUpAfterMaxRetries() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setResponseCode(502));
            server.enqueue(new MockResponse().setResponseCode(200));
            for (int i = 0; i < 3; i++) {
                server.enqueue(new MockResponse().setResponseCode(500));
            }
            server.start();
            try (HttpReporter webhook = HttpReporter.builder(server.url("/").toString()).maxRetries(2)
                    .retryBackoff(Duration.ofMillis(10)).build()) {
                webhook.report(Events.cpu(tmp, 1, "a"));
                await().atMost(10, TimeUnit.SECONDS).until(() -> webhook.deliveredUploads() == 1);
                webhook.report(Events.cpu(tmp, 2, "b"));
                await().atMost(10, TimeUnit.SECONDS).until(() -> webhook.failedUploads() == 1);
                assertThat(server.getRequestCount()).isEqualTo(5);
                assertThat(webhook.retriedUploads()).isEqualTo(3);
            }
        }
    }

    @Test
    void badOptionsAreNamed_andTheTokenIsNeverShown() {
        assertThatThrownBy(() -> HttpReporter.builder("ftp://example.com").token("").maxRetries(99).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("url must be an http:// or https:// URL")
                .hasMessageContaining("token").hasMessageContaining("maxRetries must be between 0 and 20, but was 99");
        try (HttpReporter webhook = HttpReporter.builder("https://alerts.example.com/holmes?key=abc").token("s3cret")
                .build()) {
            assertThat(webhook.toString()).contains("alerts.example.com").doesNotContain("s3cret").doesNotContain("key=abc");
        }
    }
}
