package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.testing.Burner;
import io.holmes.testing.FlameGraphHtml;
import io.holmes.testing.Jfr;
import io.holmes.testing.Pprof;
import io.holmes.testing.RecordingReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real CPU spike in a named method, captured by the CPU rule with async-profiler, read back in every format. */
class CpuCaptureTest {

    private static final String HOT = "Burner.burnCpuInHolmesTest";

    @TempDir
    Path tmp;

    @Test
    void aSpikeOnAllCoresIsCapturedOnce_andEveryFormatNamesTheHotMethod() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        Duration interval = Duration.ofMillis(100);
        try (Holmes holmes = Holmes.builder()
                .collectInterval(interval)
                .cpuCores(Runtime.getRuntime().availableProcessors())
                .dumpPath(tmp)
                .samplingTime(Duration.ofSeconds(1))
                .cpuDump(40, 100, Rule.MAX_PERCENT, Duration.ofMinutes(10))
                .reporter(reporter)
                .build()
                .start()) {

            await().atMost(10, TimeUnit.SECONDS).until(() -> holmes.state(DumpType.CPU).window().size() == 10);

            try (Burner burner = Burner.onAllCores()) {
                await().atMost(20, TimeUnit.SECONDS).until(() -> !reporter.events().isEmpty());
                // Keep burning well past the capture: the cooldown must hold the rule back.
                int ticks = holmes.state(DumpType.CPU).window().size();
                Thread.sleep(15 * interval.toMillis());
                assertThat(ticks).isEqualTo(10);
            }

            List<DumpEvent> cpuEvents = reporter.events().stream().filter(e -> e.type() == DumpType.CPU).toList();
            assertThat(cpuEvents).hasSize(1);
            DumpEvent event = cpuEvents.get(0);
            assertThat(event.reason()).isEqualTo(Reason.DIFF);
            assertThat(event.current()).isGreaterThanOrEqualTo(40);
            assertThat(event.details()).containsEntry("engine", "async-profiler/cpu")
                    .containsEntry("samplingInterval", "10 ms");
            assertThat(Long.parseLong(event.details().get("samples"))).isPositive();
            assertThat(Long.parseLong(event.details().get("coveredMillis"))).isBetween(1_000L, 5_000L);
            // Readings went on during the capture, and the spike lasted.
            assertThat(event.readingsDuring()).isNotEmpty().allSatisfy(r -> assertThat(r).isGreaterThanOrEqualTo(40));

            assertThat(event.files()).extracting(p -> p.getFileName().toString().replaceAll("^cpu\\.[0-9.-]+\\.", ""))
                    .containsExactly("jfr", "pb.gz", "html", "json");

            Pprof pprof = Pprof.read(file(event, ".pb.gz"));
            long hot = pprof.samples().stream().filter(s -> s.contains(HOT)).mapToLong(s -> s.values().get(0)).sum();
            long all = pprof.samples().stream().mapToLong(s -> s.values().get(0)).sum();
            assertThat(hot).isPositive().isGreaterThan(all / 2);

            List<List<String>> stacks = Jfr.stacks(file(event, ".jfr"), Set.of("jdk.ExecutionSample"));
            assertThat(stacks).isNotEmpty();
            assertThat(stacks.stream().filter(s -> s.stream().anyMatch(f -> f.endsWith(HOT))).count())
                    .isGreaterThan(stacks.size() / 2L);

            assertThat(FlameGraphHtml.frameNames(file(event, ".html"))).anyMatch(n -> n.endsWith("burnCpuInHolmesTest"));

            JsonNode json = new ObjectMapper().readTree(file(event, ".json").toFile());
            assertThat(json.get("type").asText()).isEqualTo("cpu");
            assertThat(json.get("details").get("engine").asText()).isEqualTo("async-profiler/cpu");
            assertThat(json.get("readingsDuring").size()).isEqualTo(event.readingsDuring().size());
        }
    }

    static Path file(DumpEvent event, String suffix) {
        return event.files().stream().filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow();
    }
}
