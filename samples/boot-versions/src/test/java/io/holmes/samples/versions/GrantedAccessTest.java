package io.holmes.samples.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

/** With {@code management.endpoint.holmes.access=unrestricted}: captures and rule changes over HTTP, and clear 400s. */
@SpringBootTest(classes = VersionsApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoint.holmes.access=unrestricted")
class GrantedAccessTest {

    @TempDir
    static Path dumps;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        EndpointTests.properties(registry, dumps);
    }

    @Autowired
    TestRestTemplate http;

    @Test
    @SuppressWarnings("unchecked")
    void aDumpOverHttpWritesItsFiles() {
        EndpointTests.assertBootVersion();
        ResponseEntity<Map<String, Object>> dump = EndpointTests.post(http, "thread", Map.of("action", "dump"));
        assertThat(dump.getStatusCode()).isEqualTo(HttpStatus.OK);
        List<String> files = (List<String>) dump.getBody().get("files");
        assertThat(files).isNotEmpty().allSatisfy(file -> assertThat(Path.of(file)).isRegularFile()
                .satisfies(path -> assertThat(Files.size(path)).isPositive()));
        assertThat(EndpointTests.recentEvents(EndpointTests.get(http).getBody())).hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBadChangeIsA400NamingEachField_andACooldownTakesYamlDurations() {
        ResponseEntity<Map<String, Object>> bad = EndpointTests.post(http, "cpu",
                Map.of("min", "lots", "cooldown", "soon"));
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(bad.getBody()).containsEntry("status", 400);
        assertThat((List<Map<String, Object>>) bad.getBody().get("problems")).containsExactlyInAnyOrder(
                Map.of("field", "min", "value", "lots", "reason", "must be a whole number, but was 'lots'"),
                Map.of("field", "cooldown", "value", "soon",
                        "reason", "must be a duration such as 5m, 90s or PT5M, but was 'soon'"));

        ResponseEntity<Map<String, Object>> range = EndpointTests.post(http, "cpu", Map.of("min", 90, "abs", 80));
        assertThat(range.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat((String) range.getBody().get("message")).isEqualTo("min must not be above abs (80), but was 90");

        ResponseEntity<Map<String, Object>> good = EndpointTests.post(http, "cpu", Map.of("min", 40, "cooldown", "5m"));
        assertThat(good.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat((Map<String, Object>) good.getBody().get("rule")).containsEntry("min", 40)
                .containsEntry("cooldown", "PT5M");
    }
}
