package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.testing.EventFiles;
import io.holmes.testing.Pprof;
import io.holmes.testing.RecordingReporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with nothing faked: real readings of this JVM, a real pile-up of threads, the rule firing on
 * its own collector thread, and the files on disk read back.
 */
class ThreadPileUpTest {

    private static final int PILE = 300;

    @TempDir
    Path tmp;

    /** The method the piled-up threads wait in; the captures must name it. */
    private static void waitInThePileUp(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPileUpOfThreadsIsCapturedWithItsStacks() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        Path dumps = tmp.resolve("holmes");
        int baseline = Thread.activeCount();
        try (Holmes holmes = Holmes.builder()
                .lookBack(Duration.ZERO) // this test is about the forward capture; LookBackTest covers the window before
                .collectInterval(Duration.ofMillis(50))
                .dumpPath(dumps)
                // Baseline is a few dozen threads: min keeps it quiet, and 300 more is a jump of several hundred %.
                .threadDump(baseline + 100, 100, 100_000, 0, Duration.ofMinutes(5))
                .reporter(reporter)
                .build()
                .start()) {

            await().atMost(10, TimeUnit.SECONDS).until(() -> holmes.state(DumpType.THREAD).window().size() == 10);
            assertThat(reporter.events()).isEmpty();

            CountDownLatch release = new CountDownLatch(1);
            List<Thread> pile = new ArrayList<>();
            try {
                for (int i = 0; i < PILE; i++) {
                    Thread t = new Thread(() -> waitInThePileUp(release), "pile-up-" + i);
                    t.setDaemon(true);
                    t.start();
                    pile.add(t);
                }
                await().atMost(20, TimeUnit.SECONDS).until(() -> !reporter.events().isEmpty());
            } finally {
                release.countDown();
                for (Thread t : pile) {
                    t.join(5000);
                }
            }

            DumpEvent event = reporter.events().get(0);
            assertThat(event.type()).isEqualTo(DumpType.THREAD);
            assertThat(event.reason()).isEqualTo(Reason.DIFF);
            assertThat(event.current()).isGreaterThanOrEqualTo(baseline + 100);
            assertThat(event.current()).isGreaterThanOrEqualTo(event.average() * 2);

            // The files on disk, and nothing else.
            try (Stream<Path> files = Files.list(dumps)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                        .hasSize(3)
                        .allMatch(n -> n.startsWith("thread."))
                        .anyMatch(n -> n.endsWith(".json"))
                        .anyMatch(n -> n.endsWith(".txt"))
                        .anyMatch(n -> n.endsWith(".pb.gz"));
            }
            Path pb = file(event, ".pb.gz");
            Path txt = file(event, ".txt");
            Path json = file(event, ".json");

            Pprof profile = Pprof.read(pb);
            long piled = profile.samples().stream()
                    .filter(s -> s.contains("ThreadPileUpTest.waitInThePileUp"))
                    .count();
            // The capture may run while the last threads are still starting; most of the pile must be there.
            assertThat(piled).isGreaterThanOrEqualTo(event.current() - baseline - 50L).isLessThanOrEqualTo(PILE);
            // A pile-up thread caught while parked is parked in the method under test; one caught still starting
            // (RUNNABLE, no Java frames yet) is the only other shape allowed.
            assertThat(profile.samples().stream()
                            .filter(s -> s.labels().getOrDefault("thread", "").startsWith("pile-up-"))
                            .filter(s -> "WAITING".equals(s.labels().get("state"))))
                    .isNotEmpty()
                    .allSatisfy(s -> assertThat(s.contains("ThreadPileUpTest.waitInThePileUp")).isTrue());

            String text = Files.readString(txt, StandardCharsets.UTF_8);
            assertThat(text).contains("\"pile-up-0\" #").contains("io.holmes.ThreadPileUpTest.waitInThePileUp(ThreadPileUpTest.java:");

            JsonNode node = new ObjectMapper().readTree(json.toFile());
            assertThat(node.get("type").asText()).isEqualTo("thread");
            assertThat(node.get("reason").asText()).isEqualTo("DIFF");
            assertThat(node.get("current").asInt()).isEqualTo(event.current());
            assertThat(node.get("window").size()).isEqualTo(10);
            assertThat(node.get("files").size()).isEqualTo(3);
            assertThat(node.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    private static Path file(DumpEvent event, String suffix) {
        return EventFiles.file(event, suffix);
    }
}
