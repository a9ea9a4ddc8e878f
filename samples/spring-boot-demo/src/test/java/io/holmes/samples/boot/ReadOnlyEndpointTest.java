package io.holmes.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** Without an explicit grant, the endpoint reads but does not write. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoint.holmes.access=read-only")
class ReadOnlyEndpointTest extends DemoOverHttp {

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
