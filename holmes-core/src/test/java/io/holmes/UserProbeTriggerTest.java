package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.internal.decide.Window;
import io.holmes.testing.Pprof;
import io.holmes.testing.RecordingReporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user probe watching a real work queue: a slow request burns CPU on the only worker, the backlog behind it
 * grows, and the trigger fires a CPU and a THREAD capture, both named after it, that show the slow request.
 * Ticks are driven by hand (the collector is scheduled an hour out), so nothing depends on timing.
 */
class UserProbeTriggerTest {

    @TempDir
    Path tmp;

    private static volatile boolean serving;
    private static volatile long sink;

    /** The slow request the captures must show. */
    private static void serveCheckout() {
        long x = 0;
        while (serving) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            sink = x;
        }
    }

    @Test
    void aGrowingBacklogFiresCpuAndThreadCapturesNamedAfterTheTrigger() throws Exception {
        ThreadPoolExecutor checkout = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> new Thread(r, "checkout-worker"));
        RecordingReporter reporter = new RecordingReporter();
        Trigger backlog = Trigger.builder("checkout-backlog", () -> checkout.getQueue().size())
                .rule(5, 100, 1_000, Duration.ofHours(1))
                .captures(DumpType.CPU, DumpType.THREAD)
                .build();
        Trigger broken = Trigger.builder("broken", () -> {
            throw new IllegalStateException("no reading today");
        }).rule(0, 0, 0, Duration.ZERO).captures(DumpType.THREAD).build();
        Trigger negative = Trigger.builder("negative", () -> -5).rule(0, 0, 0, Duration.ZERO)
                .captures(DumpType.THREAD).build();
        Path dumps = tmp.resolve("holmes");
        try (Holmes holmes = Holmes.builder()
                .collectInterval(Duration.ofHours(1))
                .dumpPath(dumps)
                .samplingTime(Duration.ofMillis(500))
                .trigger(backlog).trigger(broken).trigger(negative)
                .reporter(reporter)
                .build()
                .start()) {
            for (int i = 0; i < Window.CAPACITY; i++) {
                holmes.tick(holmes.currentRun());
            }
            assertThat(holmes.state("checkout-backlog").window()).hasSize(10).containsOnly(0);
            assertThat(holmes.state("broken").window()).isEmpty();
            assertThat(holmes.state("negative").window()).isEmpty();

            serving = true;
            for (int i = 0; i < 21; i++) {
                checkout.execute(UserProbeTriggerTest::serveCheckout);
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> checkout.getQueue().size() == 20);
            holmes.tick(holmes.currentRun());

            await().atMost(60, TimeUnit.SECONDS).until(() -> reporter.events().size() == 2);
            List<DumpEvent> events = reporter.events();
            assertThat(events).extracting(DumpEvent::type).containsExactlyInAnyOrder(DumpType.CPU, DumpType.THREAD);
            for (DumpEvent event : events) {
                assertThat(event.trigger()).isEqualTo("checkout-backlog");
                assertThat(event.reason()).isEqualTo(Reason.DIFF);
                assertThat(event.current()).isEqualTo(20);
                assertThat(event.window()).hasSize(10).containsOnly(0);
                assertThat(event.rule()).isEqualTo(Rule.of(5, 100, 1_000, 0, Duration.ofHours(1)));
                Path json = event.files().get(event.files().size() - 1);
                JsonNode node = new ObjectMapper().readTree(Files.readString(json));
                assertThat(node.get("trigger").asText()).isEqualTo("checkout-backlog");
                assertThat(node.get("type").asText()).isEqualTo(event.type().fileTag());
            }
            DumpEvent threads = events.stream().filter(e -> e.type() == DumpType.THREAD).findFirst().orElseThrow();
            Path text = threads.files().stream().filter(p -> p.toString().endsWith(".txt") && !p.toString().contains(".before."))
                    .findFirst().orElseThrow();
            String dump = Files.readString(text, StandardCharsets.UTF_8);
            assertThat(dump).contains("checkout-worker").contains("serveCheckout");
            DumpEvent cpu = events.stream().filter(e -> e.type() == DumpType.CPU).findFirst().orElseThrow();
            Path pprof = cpu.files().stream().filter(p -> p.toString().endsWith(".pb.gz") && !p.toString().contains(".before."))
                    .findFirst().orElseThrow();
            assertThat(Pprof.read(pprof).samples()).anyMatch(s -> s.contains("serveCheckout"));
        } finally {
            serving = false;
            checkout.shutdownNow();
            checkout.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
