package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.testing.Burner;
import io.holmes.testing.EventFiles;
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
        int min = 10;
        try (Holmes holmes = Holmes.builder()
                .lookBack(Duration.ZERO) // this test is about the forward capture; LookBackTest covers the window before
                .collectInterval(Duration.ofMillis(100))
                .cpuCores(Runtime.getRuntime().availableProcessors())
                .dumpPath(tmp)
                .samplingTime(Duration.ofSeconds(1))
                .cpuDump(min, 100, Rule.MAX_PERCENT, Duration.ofMinutes(10))
                .reporter(reporter)
                .build()) {
            // The scene is set before the rule may fire: the window fills with idle readings while the rule is
            // off, and the rule comes on only once the burn runs. A busy neighbour lowers this JVM's share of the
            // cores, so the thresholds ask for a jump (twice the average, at least 10 %), not for owning the CPU.
            holmes.disable(DumpType.CPU);
            holmes.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.state(DumpType.CPU).window().size() == 10);

            try (Burner burner = Burner.onAllCores()) {
                holmes.enable(DumpType.CPU);
                await().atMost(60, TimeUnit.SECONDS).until(() -> !reporter.events().isEmpty());
                // Keep burning for fifteen more readings: the cooldown must hold the rule back.
                long ticks = holmes.ticks();
                await().atMost(60, TimeUnit.SECONDS).until(() -> holmes.ticks() >= ticks + 15);
            }

            List<DumpEvent> cpuEvents = reporter.events().stream().filter(e -> e.type() == DumpType.CPU).toList();
            assertThat(cpuEvents).hasSize(1);
            DumpEvent event = cpuEvents.get(0);
            assertThat(event.reason()).isEqualTo(Reason.DIFF);
            assertThat(event.current()).isGreaterThanOrEqualTo(min)
                    .isGreaterThanOrEqualTo(event.average() * 2);
            assertThat(event.details()).containsEntry("engine", "async-profiler/cpu")
                    .containsEntry("samplingInterval", "10 ms");
            assertThat(Long.parseLong(event.details().get("samples"))).isPositive();
            assertThat(Long.parseLong(event.details().get("coveredMillis"))).isBetween(1_000L, 5_000L);
            // Readings went on during the capture.
            assertThat(event.readingsDuring()).isNotEmpty();

            assertThat(event.files()).extracting(p -> p.getFileName().toString().replaceAll("^cpu\\.[0-9.-]+\\.", ""))
                    .containsExactly("jfr", "pb.gz", "html", "json");

            Pprof pprof = Pprof.read(file(event, ".pb.gz"));
            // As Go's CPU profiles: counts and CPU time, CPU time the default; each sample is worth one 10 ms period.
            assertThat(pprof.sampleTypes()).containsExactly("samples/count", "cpu/nanoseconds");
            assertThat(pprof.defaultSampleType()).isEqualTo("cpu");
            assertThat(pprof.samples()).isNotEmpty().allSatisfy(s ->
                    assertThat(s.values().get(1)).isEqualTo(s.values().get(0) * 10_000_000L));
            assertThat(pprof.total(1)).isEqualTo(pprof.total(0) * 10_000_000L)
                    .isEqualTo(Long.parseLong(event.details().get("samples")) * 10_000_000L);
            long hot = pprof.samples().stream().filter(s -> s.contains(HOT)).mapToLong(s -> s.values().get(0)).sum();
            long all = pprof.samples().stream().mapToLong(s -> s.values().get(0)).sum();
            assertThat(hot).isPositive().isGreaterThan(all / 2);

            List<List<String>> stacks = Jfr.stacks(file(event, ".jfr"), Set.of("jdk.ExecutionSample"));
            assertThat(stacks).isNotEmpty();
            assertThat(stacks.stream().filter(s -> s.stream().anyMatch(f -> f.endsWith(HOT))).count())
                    .isGreaterThan(stacks.size() / 2L);

            assertThat(FlameGraphHtml.frameNames(file(event, ".html"))).anyMatch(n -> n.endsWith("burnCpuInHolmesTest"));
            assertThat(Files.readString(file(event, ".html"))).contains("Holmes CPU profile AFTER the trigger, trigger cpu (DIFF): "
                    + event.current() + " against average " + event.average() + " of [").contains("async-profiler/cpu");

            JsonNode json = new ObjectMapper().readTree(file(event, ".json").toFile());
            assertThat(json.get("type").asText()).isEqualTo("cpu");
            assertThat(json.get("details").get("engine").asText()).isEqualTo("async-profiler/cpu");
            assertThat(json.get("details").get("samples").isIntegralNumber()).isTrue();
            assertThat(json.get("details").get("samples").asLong()).isEqualTo(pprof.total(0));
            assertThat(json.get("readingsDuring").size()).isEqualTo(event.readingsDuring().size());
        }
    }

    static Path file(DumpEvent event, String suffix) {
        return EventFiles.file(event, suffix);
    }
}
