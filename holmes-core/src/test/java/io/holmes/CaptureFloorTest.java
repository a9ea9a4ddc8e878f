package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.testing.FakeTicker;
import io.holmes.testing.LogCapture;
import io.holmes.testing.RecordingReporter;
import io.holmes.testing.ScriptedProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 9 of the security review: rules set to {@code min 0, diff 0, abs 0, cooldown 0} (through the endpoint,
 * once write access was granted) made 61 captures in 30 s, the profiler always on. A floor now holds whatever the
 * rules say: one rule capture of a type per {@link Holmes#CAPTURE_FLOOR} (10 s). Manual captures are exempt.
 */
class CaptureFloorTest {

    @TempDir
    Path tmp;

    @Test
    void rulesThatFireOnEveryReading_captureOncePerTypeAndFloor_andManualDumpsStillWork() throws Exception {
        // Monotonic time stands still unless the test moves it, so the floor cannot run out on a slow machine; the
        // readings are scripted (CPU % needs time to pass), every one above abs 0.
        FakeTicker ticker = new FakeTicker();
        RecordingReporter reporter = new RecordingReporter();
        try (LogCapture log = new LogCapture();
             Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(20)).dumpPath(tmp)
                     .samplingTime(Duration.ofMillis(100)).nanoTime(ticker).probe(new ScriptedProbe().set(50, 30, 100))
                     .cpuDump(0, 0, 0, Duration.ZERO).threadDump(0, 0, 0, 0, Duration.ZERO)
                     .reporter(reporter).build().start()) {
            assertThat(Holmes.CAPTURE_FLOOR).isEqualTo(Duration.ofSeconds(10));
            await().atMost(60, TimeUnit.SECONDS).until(() -> count(reporter, DumpType.CPU) == 1
                    && count(reporter, DumpType.THREAD) == 1);
            // Both rules fire on every one of the next 50 readings; the floor lets none of them through.
            long ticks = holmes.ticks();
            await().atMost(60, TimeUnit.SECONDS).until(() -> holmes.ticks() >= ticks + 50);
            assertThat(count(reporter, DumpType.CPU)).isEqualTo(1);
            assertThat(count(reporter, DumpType.THREAD)).isEqualTo(1);
            assertThat(log.warnings("at most one THREAD capture per PT10S")).hasSize(1);
            assertThat(log.warnings("at most one CPU capture per PT10S")).hasSize(1);

            // An operator's capture is not held back by the floor.
            DumpEvent manual = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
            assertThat(manual.reason()).isEqualTo(Reason.MANUAL);

            // Once the floor has passed, the rules capture again.
            ticker.advance(Holmes.CAPTURE_FLOOR);
            await().atMost(60, TimeUnit.SECONDS).until(() -> count(reporter, DumpType.CPU) == 2
                    && reporter.events().stream().filter(e -> e.type() == DumpType.THREAD
                    && e.reason() != Reason.MANUAL).count() == 2);
        }
    }

    private static long count(RecordingReporter reporter, DumpType type) {
        return reporter.events().stream().filter(e -> e.type() == type).count();
    }
}
