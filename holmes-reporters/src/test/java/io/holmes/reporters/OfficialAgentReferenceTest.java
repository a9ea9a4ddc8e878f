package io.holmes.reporters;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.reporters.reference.BurnForAgent;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pyroscope's official Java agent ({@code io.pyroscope:agent}) uploads to the same mock server as Holmes does;
 * Holmes' request must use the same path, the same query parameter names and the same part for the JFR.
 */
class OfficialAgentReferenceTest {

    @TempDir
    Path tmp;

    @Test
    void holmesSpeaksTheIngestApiLikeTheOfficialAgent() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            for (int i = 0; i < 10; i++) {
                server.enqueue(new MockResponse().setResponseCode(200));
            }
            server.start();

            RecordedRequest agent = uploadFromTheOfficialAgent(server);
            PyroscopeReporter holmes = PyroscopeReporter.builder(server.url("/").toString(), "holmes").build();
            try {
                holmes.report(Events.cpu(tmp, 0, "jfr bytes"));
                RecordedRequest ours = server.takeRequest(10, TimeUnit.SECONDS);
                assertThat(ours).isNotNull();

                HttpUrl theirUrl = agent.getRequestUrl();
                HttpUrl ourUrl = ours.getRequestUrl();
                assertThat(ourUrl.encodedPath()).isEqualTo(theirUrl.encodedPath()).isEqualTo("/ingest");
                assertThat(ourUrl.queryParameterNames()).isEqualTo(theirUrl.queryParameterNames());
                assertThat(ourUrl.queryParameter("format")).isEqualTo(theirUrl.queryParameter("format")).isEqualTo("jfr");
                assertThat(ourUrl.queryParameter("spyName")).isEqualTo(theirUrl.queryParameter("spyName"));
                assertThat(ourUrl.queryParameter("aggregationType")).isEqualTo(theirUrl.queryParameter("aggregationType"));
                assertThat(ourUrl.queryParameter("units")).isEqualTo(theirUrl.queryParameter("units"));
                assertThat(ourUrl.queryParameter("sampleRate")).isEqualTo(theirUrl.queryParameter("sampleRate"));

                Multipart theirs = Multipart.of(agent);
                Multipart mine = Multipart.of(ours);
                assertThat(theirs.names()).contains("jfr");
                assertThat(mine.names()).containsExactly("jfr");
                assertThat(mine.part("jfr").filename()).isEqualTo(theirs.part("jfr").filename());
                assertThat(theirs.part("jfr").isGzip()).isTrue();
                assertThat(mine.part("jfr").isGzip()).isTrue();
                assertThat(ours.getHeader("Content-Type")).startsWith("multipart/form-data; boundary=");
                assertThat(agent.getHeader("Content-Type")).startsWith("multipart/form-data; boundary=");
            } finally {
                holmes.close();
            }
        }
    }

    /** Starts a JVM with the agent attached, pointed at {@code server}, and returns its first upload. */
    private static RecordedRequest uploadFromTheOfficialAgent(MockWebServer server) throws Exception {
        String agentJar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.replace('\\', '/').matches(".*/io/pyroscope/agent/[^/]+/agent-[^/]+\\.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("io.pyroscope:agent is not on the test class path"));
        String java = ProcessHandle.current().info().command().orElse("java");
        String classes = Path.of(BurnForAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        ProcessBuilder child = new ProcessBuilder(java, "-javaagent:" + agentJar, "-cp", classes,
                BurnForAgent.class.getName(), "20000")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        child.environment().put("PYROSCOPE_SERVER_ADDRESS", server.url("/").toString());
        child.environment().put("PYROSCOPE_APPLICATION_NAME", "reference");
        child.environment().put("PYROSCOPE_UPLOAD_INTERVAL", "1s");
        child.environment().put("PYROSCOPE_LOG_LEVEL", "error");
        Process process = child.start();
        try {
            RecordedRequest request = server.takeRequest(60, TimeUnit.SECONDS);
            assertThat(request).as("an upload from the official agent").isNotNull();
            return request;
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
