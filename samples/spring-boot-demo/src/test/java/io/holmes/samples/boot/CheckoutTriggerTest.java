package io.holmes.samples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The checkout-p99 meter trigger of application.yml over real HTTP: fast checkouts fill its window from the
 * http.server.requests timer, then slow checkouts double the p99 and Holmes captures CPU and threads, both events
 * named after the trigger.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"holmes.collect-interval=100ms", "holmes.sampling-time=1s",
                // The slow checkouts burn CPU: left on, the cpu rule would take the CPU capture first, and Holmes
                // takes at most one CPU capture per 10 s whatever fires. Only the trigger under test stays on.
                "holmes.cpu.enabled=false", "holmes.mem.enabled=false", "holmes.thread.enabled=false",
                "holmes.gc-heap.enabled=false", "holmes.gc-time.enabled=false", "holmes.rss.enabled=false"})
class CheckoutTriggerTest extends DemoOverHttp {

    @Test
    @SuppressWarnings("unchecked")
    void slowCheckoutsFireTheCheckoutP99Trigger() {
        // The first requests of a fresh JVM are slow; enough fast ones push them out of the p99, and then ten
        // readings of the calm p99 fill the trigger's window.
        await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() -> {
            assertThat(http.getForEntity("/checkout", Map.class).getStatusCode()).isEqualTo(HttpStatus.OK);
            List<Integer> window = window(holmes());
            return window.size() == 10 && window.stream().allMatch(ms -> ms < 100);
        });
        assertThat(checkoutEvents(holmes())).isEmpty();

        assertThat(http.exchange("/spike/checkout?millis=400&seconds=120", HttpMethod.POST, HttpEntity.EMPTY, JSON)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        List<Map<String, Object>> events = await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    http.getForEntity("/checkout", Map.class);
                    return checkoutEvents(holmes());
                }, e -> e.size() == 2);
        assertThat(events).extracting(e -> e.get("type")).containsExactlyInAnyOrder("cpu", "thread");
        for (Map<String, Object> event : events) {
            assertThat(event.get("trigger")).isEqualTo("checkout-p99");
            // The p99 climbs as slow checkouts become more than 1 % of the recent ones: the trigger fires on the
            // first reading at or above min (100 ms) and twice the calm average.
            assertThat((Integer) event.get("current")).isGreaterThanOrEqualTo(100)
                    .isGreaterThanOrEqualTo(2 * (Integer) event.get("average"));
            assertThat((Integer) event.get("average")).isLessThan(100);
            assertThat((List<String>) event.get("files")).isNotEmpty()
                    .allSatisfy(f -> assertThat(Path.of(f)).exists().hasParent(dumps));
        }
    }

    private Map<String, Object> holmes() {
        ResponseEntity<Map<String, Object>> response = http.exchange("/actuator/holmes", HttpMethod.GET, null, JSON);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        return response.getBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> window(Map<String, Object> holmes) {
        Map<String, Object> metrics = (Map<String, Object>) holmes.get("metrics");
        return (List<Integer>) ((Map<String, Object>) metrics.get("checkout-p99")).get("window");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> checkoutEvents(Map<String, Object> holmes) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> event : (List<Map<String, Object>>) holmes.get("recentEvents")) {
            if ("checkout-p99".equals(event.get("trigger"))) {
                found.add(event);
            }
        }
        return found;
    }
}
