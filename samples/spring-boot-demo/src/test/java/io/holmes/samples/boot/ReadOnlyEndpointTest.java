package io.holmes.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Without an explicit grant, the endpoint reads but does not write. */
// Closed after the class, so Holmes stops writing before JUnit removes its dump directory.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoint.holmes.access=read-only")
class ReadOnlyEndpointTest {

    @TempDir
    static Path dumps;

    @DynamicPropertySource
    static void dumpPath(DynamicPropertyRegistry registry) {
        registry.add("holmes.dump-path", () -> dumps.toString());
    }

    @Autowired
    TestRestTemplate http;

    @Test
    @SuppressWarnings("unchecked")
    void readsButRefusesWrites() {
        ResponseEntity<Map> read = http.getForEntity("/actuator/holmes", Map.class);
        assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(read.getBody()).containsKeys("configuration", "metrics", "recentEvents");

        ResponseEntity<String> write = http.exchange("/actuator/holmes/thread", HttpMethod.POST,
                new HttpEntity<>(Map.of("action", "dump")), String.class);
        assertThat(write.getStatusCode().is4xxClientError()).isTrue();
        assertThat((List<Object>) http.getForEntity("/actuator/holmes", Map.class).getBody().get("recentEvents"))
                .isEmpty();
    }
}
