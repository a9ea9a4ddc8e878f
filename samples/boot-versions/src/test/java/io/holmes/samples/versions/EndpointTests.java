package io.holmes.samples.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What the endpoint tests share. */
final class EndpointTests {

    static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private EndpointTests() {
    }

    static void properties(DynamicPropertyRegistry registry, Path dumps) {
        registry.add("holmes.dump-path", dumps::toString);
        registry.add("management.endpoints.web.exposure.include", () -> "holmes");
    }

    /** The tests run on the Spring Boot this module was built for, not on one that came in by accident. */
    static void assertBootVersion() {
        assertThat(SpringBootVersion.getVersion()).isEqualTo(System.getProperty("expected.boot.version"));
    }

    static ResponseEntity<Map<String, Object>> get(TestRestTemplate http) {
        return http.exchange("/actuator/holmes", HttpMethod.GET, HttpEntity.EMPTY, JSON);
    }

    static ResponseEntity<Map<String, Object>> post(TestRestTemplate http, String type, Map<String, Object> body) {
        return http.exchange("/actuator/holmes/" + type, HttpMethod.POST, new HttpEntity<>(body), JSON);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metric(Map<String, Object> holmes, String type) {
        return (Map<String, Object>) ((Map<String, Object>) holmes.get("metrics")).get(type);
    }

    @SuppressWarnings("unchecked")
    static List<Object> recentEvents(Map<String, Object> holmes) {
        return (List<Object>) holmes.get("recentEvents");
    }
}
