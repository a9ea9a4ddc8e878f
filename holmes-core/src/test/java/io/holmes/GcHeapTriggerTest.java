package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.internal.decide.Window;
import io.holmes.testing.GcWatcher;
import io.holmes.testing.RecordingReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gc-heap against this JVM's real collector: short-lived garbage makes the used heap a sawtooth, and the heap after
 * each collection stays flat (above min), so the trigger stays quiet however high the teeth; a slow leak under the
 * same sawtooth raises the heap after collection step by step and fires it. One tick per collection, driven by the
 * collector's own notifications, so nothing depends on timing.
 */
class GcHeapTriggerTest {

    private static final long GARBAGE_LIMIT = 8L << 30;

    @TempDir
    Path tmp;

    @Test
    void sawtoothWithoutLeakNeverFires_slowLeakUnderTheSameSawtoothDoes() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        List<byte[]> ballast = new ArrayList<>();
        List<byte[]> leak = new ArrayList<>();
        try (GcWatcher gc = new GcWatcher()) {
            // A steady live set, so that the heap after a collection is tens of MiB and a collector's usual
            // variation between collections stays far below a 20 % jump.
            for (int i = 0; i < 48; i++) {
                ballast.add(new byte[1 << 20]);
            }
            // A full collection first (the test's, never Holmes'): garbage that earlier tests left in the old
            // generation would otherwise count as live after every young collection, and drift.
            System.gc();
            for (int i = 0; i < 3; i++) {
                gc.garbageUntilNextCollection(GARBAGE_LIMIT);
            }
            long live = gc.afterGcBytes();
            // The denominator: twice the heap after a collection, so that the steady state reads about 50 %,
            // above min: only the rule's diff keeps the sawtooth quiet.
            long memoryLimit = 2 * live;
            try (Holmes holmes = Holmes.builder()
                    .collectInterval(Duration.ofHours(1))
                    .dumpPath(tmp.resolve("holmes"))
                    .samplingTime(Duration.ofMillis(200))
                    .memoryLimit(memoryLimit)
                    .gcHeapDump(30, 20, 95, Duration.ofHours(1))
                    .reporter(reporter)
                    .build()
                    .start();
                 GcWatcher afterHolmes = new GcWatcher()) {

                List<Integer> sawtooth = new ArrayList<>();
                for (int i = 0; i < Window.CAPACITY + 20; i++) {
                    afterHolmes.garbageUntilNextCollection(GARBAGE_LIMIT);
                    holmes.tick(holmes.currentRun());
                    sawtooth.add(holmes.state("gc-heap").latest());
                }
                assertThat(reporter.events()).as("gc-heap readings without a leak: %s", sawtooth).isEmpty();
                assertThat(sawtooth).as("steady near 50 %%, above min").allMatch(r -> r >= 35 && r <= 75);

                List<Integer> leaking = new ArrayList<>();
                for (int i = 0; i < 30 && holmes.state("gc-heap").cooldownLeft().isZero(); i++) {
                    leak.add(new byte[(int) (live / 10)]); // 5 % of the limit per collection
                    afterHolmes.garbageUntilNextCollection(GARBAGE_LIMIT);
                    holmes.tick(holmes.currentRun());
                    leaking.add(holmes.state("gc-heap").latest());
                }
                await().atMost(30, TimeUnit.SECONDS).until(() -> !reporter.events().isEmpty());
                DumpEvent event = reporter.events().get(0);
                assertThat(event.trigger()).as("gc-heap readings with a leak: %s", leaking).isEqualTo("gc-heap");
                assertThat(event.type()).isEqualTo(DumpType.MEM);
                assertThat(event.reason()).isEqualTo(Reason.DIFF);
                assertThat(event.current()).isEqualTo(leaking.get(leaking.size() - 1));
                Path json = event.files().get(event.files().size() - 1);
                assertThat(Files.readString(json)).contains("\"trigger\":\"gc-heap\"").contains("\"type\":\"mem\"");
            }
        }
        assertThat(ballast).hasSize(48);
        assertThat(leak).isNotEmpty();
    }
}
