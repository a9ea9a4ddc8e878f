package io.holmes.samples.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * As README says: an exposed endpoint reads, but does not write until write access is granted; nothing else is
 * configured, so the default rules are on.
 */
@SpringBootTest(classes = VersionsApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DefaultAccessTest {

    @TempDir
    static Path dumps;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        EndpointTests.properties(registry, dumps);
    }

    @Autowired
    TestRestTemplate http;

    @Test
    void readsWithTheDefaultRulesOn_butRefusesEveryWrite() {
        EndpointTests.assertBootVersion();
        ResponseEntity<Map<String, Object>> read = EndpointTests.get(http);
        assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
        for (String type : new String[] {"cpu", "mem", "thread"}) {
            assertThat(EndpointTests.metric(read.getBody(), type)).containsEntry("enabled", true);
        }
        Object ruleBefore = EndpointTests.metric(read.getBody(), "cpu").get("rule");

        ResponseEntity<Map<String, Object>> dump = EndpointTests.post(http, "thread", Map.of("action", "dump"));
        assertThat(dump.getStatusCode().is4xxClientError()).as("dump refused: %s", dump.getStatusCode()).isTrue();
        ResponseEntity<Map<String, Object>> change = EndpointTests.post(http, "cpu", Map.of("min", 1));
        assertThat(change.getStatusCode().is4xxClientError()).as("change refused: %s", change.getStatusCode()).isTrue();

        Map<String, Object> after = EndpointTests.get(http).getBody();
        assertThat(EndpointTests.recentEvents(after)).isEmpty();
        assertThat(EndpointTests.metric(after, "cpu").get("rule")).isEqualTo(ruleBefore);
    }
}
