package io.holmes.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Rule;
import io.holmes.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/** Write requests: every refusal is a 400 naming the field, the value sent and the reason; nothing half-applied. */
class HolmesEndpointTest {

    @TempDir
    Path tmp;

    private Holmes holmes;
    private HolmesEndpoint endpoint;

    @BeforeEach
    void setUp() {
        holmes = Holmes.builder().dumpPath(tmp).cpuDump(30, 50, 80, Duration.ofMinutes(2)).build();
        endpoint = new HolmesEndpoint(holmes, new RecentEvents(5));
    }

    @AfterEach
    void tearDown() {
        holmes.close();
    }

    @Test
    void cooldownTakesWhatApplicationYmlTakes() {
        for (Map.Entry<String, Duration> sent : Map.of("5m", Duration.ofMinutes(5), "PT7M", Duration.ofMinutes(7),
                "90s", Duration.ofSeconds(90), "1500ms", Duration.ofMillis(1500)).entrySet()) {
            WebEndpointResponse<Map<String, Object>> response = endpoint.update("cpu", null, null, null, null, null,
                    sent.getKey(), null);
            assertThat(response.getStatus()).as(sent.getKey()).isEqualTo(200);
            assertThat(holmes.rule(DumpType.CPU).cooldown()).isEqualTo(sent.getValue());
        }
    }

    @Test
    void aRuleChangeKeepsWhatWasNotSent() {
        WebEndpointResponse<Map<String, Object>> response = endpoint.update("CPU", null, "40", null, " 90 ", null,
                null, "false");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(holmes.rule(DumpType.CPU)).isEqualTo(Rule.cpu(40, 50, 90, Duration.ofMinutes(2)));
        assertThat(holmes.isEnabled(DumpType.CPU)).isFalse();
    }

    @Test
    void eachBadFieldIsNamedWithItsValueAndReason() {
        Rule before = holmes.rule(DumpType.CPU);
        WebEndpointResponse<Map<String, Object>> response = endpoint.update("cpu", null, "lots", "-", null, null,
                "soon", "maybe");
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(problems(response)).containsExactly(
                problem("min", "lots", "must be a whole number, but was 'lots'"),
                problem("diff", "-", "must be a whole number, but was '-'"),
                problem("cooldown", "soon", "must be a duration such as 5m, 90s or PT5M, but was 'soon'"),
                problem("enabled", "maybe", "must be true or false, but was 'maybe'"));
        assertThat(response.getBody().get("message")).isEqualTo("min must be a whole number, but was 'lots'; "
                + "diff must be a whole number, but was '-'; cooldown must be a duration such as 5m, 90s or PT5M, "
                + "but was 'soon'; enabled must be true or false, but was 'maybe'");
        assertThat(holmes.rule(DumpType.CPU)).isEqualTo(before);
        assertThat(holmes.isEnabled(DumpType.CPU)).isTrue();
    }

    @Test
    void holmesOwnRangeChecksArePutBackOnTheFieldSent() {
        WebEndpointResponse<Map<String, Object>> response = endpoint.update("cpu", null, "90", "-1", null, null,
                null, null);
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(problems(response)).containsExactlyInAnyOrder(
                problem("diff", "-1", "must be between 0 and 10000, but was -1"),
                problem("min", "90", "must not be above abs (80), but was 90"));

        assertThat(problems(endpoint.update("cpu", null, null, null, null, "5", null, null)))
                .containsExactly(problem("max", "5", "is only for thread rules and must be 0, but was 5"));
        assertThat(problems(endpoint.update("thread", null, null, null, null, "100", "-5s", null)))
                .containsExactlyInAnyOrder(problem("max", "100", "must be 0 (off) or above min (200), but was 100"),
                        problem("cooldown", "-5s", "must not be negative, but was PT-5S"));
        assertThat(holmes.rule(DumpType.THREAD)).isEqualTo(Rule.defaults(DumpType.THREAD));
    }

    @Test
    void anUnknownTriggerOrActionIsNamed() {
        assertThat(problems(endpoint.update("disk", null, "1", null, null, null, null, null)))
                .containsExactly(problem("trigger", "disk", "must be one of [cpu, mem, thread], but was 'disk'"));
        assertThat(problems(endpoint.update("cpu", "explode", null, null, null, null, null, null)))
                .containsExactly(problem("action", "explode", "must be 'dump' (the only action), but was 'explode'"));
    }

    @Test
    void everyTriggerTakesRuleChanges_checkedForItsKindOfReading() {
        Trigger queue = Trigger.builder("queue-depth", () -> 7).rule(100, 50, 5_000, Duration.ofMinutes(1))
                .captures(DumpType.THREAD).build();
        try (Holmes more = Holmes.builder().dumpPath(tmp).gcHeapDump(50, 20, 80, Duration.ofMinutes(5))
                .trigger(queue).build()) {
            HolmesEndpoint writes = new HolmesEndpoint(more, new RecentEvents(5));

            // gc-heap is a percentage without a ceiling, like heap %.
            assertThat(problems(writes.update("gc-heap", null, null, null, "20000", "5", null, null)))
                    .containsExactlyInAnyOrder(problem("abs", "20000", "must be between 0 and 10000, but was 20000"),
                            problem("max", "5", "is only for thread rules and must be 0, but was 5"));
            assertThat(more.rule("gc-heap")).isEqualTo(Rule.of(50, 20, 80, 0, Duration.ofMinutes(5)));
            WebEndpointResponse<Map<String, Object>> gcHeap = writes.update("GC-Heap", null, "40", null, "70", null,
                    "10m", "false");
            assertThat(gcHeap.getStatus()).isEqualTo(200);
            assertThat(more.rule("gc-heap")).isEqualTo(Rule.of(40, 20, 70, 0, Duration.ofMinutes(10)));
            assertThat(more.isEnabled("gc-heap")).isFalse();

            // A user trigger counts whatever it reads: no percentage ceiling, and it may have a max.
            WebEndpointResponse<Map<String, Object>> user = writes.update("queue-depth", null, null, null, "20000",
                    "90000", null, null);
            assertThat(user.getStatus()).isEqualTo(200);
            assertThat(more.rule("queue-depth")).isEqualTo(Rule.of(100, 50, 20_000, 90_000, Duration.ofMinutes(1)));
            assertThat(problems(writes.update("queue-depth", "dump", null, null, null, null, null, null)))
                    .containsExactly(problem("action", "dump", "dump takes a capture type (cpu, mem or thread);"
                            + " trigger queue-depth captures [THREAD]"));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> problems(WebEndpointResponse<Map<String, Object>> response) {
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getBody()).containsEntry("status", 400).containsEntry("error", "Bad Request");
        return (List<Map<String, Object>>) response.getBody().get("problems");
    }

    private static Map<String, Object> problem(String field, String value, String reason) {
        return Map.of("field", field, "value", value, "reason", reason);
    }
}
