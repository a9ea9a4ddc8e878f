package io.holmes.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** The demo on a random port: a thread pile-up provoked over HTTP, found through the Actuator endpoint and on disk. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"holmes.collect-interval=100ms", "holmes.sampling-time=1s"})
class BootDemoTest extends DemoOverHttp {

    @Test
    @SuppressWarnings("unchecked")
    void aThreadPileUpOverHttp_showsUpInTheEndpoint_withItsFilesOnDisk() {
        // Warm-up: ten readings in the window before anything may fire.
        await().atMost(20, TimeUnit.SECONDS).until(() -> window(holmes(), "thread").size() == 10);

        ResponseEntity<Map<String, Object>> spike = http.exchange("/spike/threads?count=300&seconds=20",
                HttpMethod.POST, HttpEntity.EMPTY, JSON);
        assertThat(spike.getStatusCode()).isEqualTo(HttpStatus.OK);

        Map<String, Object> event = await().atMost(30, TimeUnit.SECONDS).until(() -> threadEvent(holmes()),
                e -> e != null);
        assertThat(event.get("reason")).isIn("DIFF", "ABS");
        assertThat((Integer) event.get("current")).isGreaterThanOrEqualTo(150);
        List<String> files = (List<String>) event.get("files");
        // The thread dump's .txt, .pb.gz and .json, besides the look-back window's .before.* files.
        assertThat(files).filteredOn(f -> !f.contains(".before.")).hasSize(3);
        for (String file : files) {
            Path path = Path.of(file);
            assertThat(path).exists().hasParent(dumps);
            assertThat(path.getFileName().toString()).startsWith("thread.");
        }
        assertThat(files.stream().filter(f -> f.endsWith(".txt")).findFirst().map(Path::of).map(p -> {
            try {
                return Files.readString(p);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).orElseThrow()).contains("SpikeController.waitForDownstream");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointTakesACaptureOnDemand_andChangesARule() {
        ResponseEntity<Map<String, Object>> dump = http.exchange("/actuator/holmes/thread", HttpMethod.POST,
                new HttpEntity<>(Map.of("action", "dump")), JSON);
        assertThat(dump.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(dump.getBody().get("reason")).isEqualTo("MANUAL");
        assertThat((List<String>) dump.getBody().get("files")).allSatisfy(f -> assertThat(Path.of(f)).exists());

        ResponseEntity<Map<String, Object>> rule = http.exchange("/actuator/holmes/cpu", HttpMethod.POST,
                new HttpEntity<>(Map.of("min", 55, "cooldown", "PT3M")), JSON);
        assertThat(rule.getStatusCode()).isEqualTo(HttpStatus.OK);
        Map<String, Object> cpu = (Map<String, Object>) ((Map<String, Object>) holmes().get("metrics")).get("cpu");
        assertThat(((Map<String, Object>) cpu.get("rule"))).containsEntry("min", 55).containsEntry("cooldown", "PT3M")
                .containsEntry("abs", 95);

        ResponseEntity<Map<String, Object>> bad = http.exchange("/actuator/holmes/cpu", HttpMethod.POST,
                new HttpEntity<>(Map.of("min", 99)), JSON);
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    private Map<String, Object> holmes() {
        ResponseEntity<Map<String, Object>> response = http.exchange("/actuator/holmes", HttpMethod.GET, null, JSON);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        return response.getBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> window(Map<String, Object> holmes, String type) {
        Map<String, Object> metrics = (Map<String, Object>) holmes.get("metrics");
        return (List<Integer>) ((Map<String, Object>) metrics.get(type)).get("window");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> threadEvent(Map<String, Object> holmes) {
        for (Map<String, Object> event : (List<Map<String, Object>>) holmes.get("recentEvents")) {
            if ("thread".equals(event.get("type")) && !"MANUAL".equals(event.get("reason"))) {
                return event;
            }
        }
        return null;
    }
}
