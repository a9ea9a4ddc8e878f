package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.internal.capture.ProfileCapturer;
import io.holmes.internal.decide.Window;
import io.holmes.testing.FakeTicker;
import io.holmes.testing.RecordingReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gc-time against this JVM's real collectors: quiet ticks read (close to) no GC time, then a storm of full
 * collections fills the wall time between two ticks and fires the trigger, which takes a CPU and a MEM capture in
 * one profiling session. Ticks are driven by hand; Holmes' clock is a fake one that a quiet tick moves one second
 * and the storm tick moves by the storm's real duration, so the storm reading is the real share of GC pauses in
 * it while a stray collection elsewhere cannot make a quiet tick look stormy.
 */
class GcTimeTriggerTest {

    @TempDir
    Path tmp;

    @Test
    void aGcStormFiresGcTime_withCpuAndMemCapturesSharingOneSession() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        FakeTicker ticker = new FakeTicker();
        try (Holmes holmes = Holmes.builder()
                .nanoTime(ticker)
                .collectInterval(Duration.ofHours(1))
                .dumpPath(tmp.resolve("holmes"))
                .samplingTime(Duration.ofMillis(200))
                .gcTimeDump(10, 100, 50, Duration.ofHours(1))
                .reporter(reporter)
                .build()
                .start()) {
            for (int i = 0; i < Window.CAPACITY + 1; i++) {
                ticker.advance(Duration.ofSeconds(1));
                holmes.tick(holmes.currentRun());
            }
            assertThat(reporter.events()).isEmpty();
            assertThat(holmes.state("gc-time").window()).hasSize(Window.CAPACITY).allMatch(r -> r < 10);

            long stormStart = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                System.gc();
            }
            ticker.advance(Duration.ofNanos(System.nanoTime() - stormStart));
            holmes.tick(holmes.currentRun());

            await().atMost(60, TimeUnit.SECONDS).until(() -> reporter.events().size() == 2);
            List<DumpEvent> events = reporter.events();
            assertThat(events).extracting(DumpEvent::type).containsExactlyInAnyOrder(DumpType.CPU, DumpType.MEM);
            for (DumpEvent event : events) {
                assertThat(event.trigger()).isEqualTo("gc-time");
                assertThat(event.current()).isGreaterThanOrEqualTo(10).isGreaterThan(event.average());
                Path json = event.files().get(event.files().size() - 1);
                assertThat(Files.readString(json)).contains("\"trigger\":\"gc-time\"");
            }
            assertThat(events.get(0).details().get(ProfileCapturer.RECORDING))
                    .isEqualTo(events.get(1).details().get(ProfileCapturer.RECORDING));
            assertThat(events.get(0).details().get(ProfileCapturer.RECORDING_TRIGGERS)).isEqualTo("gc-time");
            assertThat(events.get(0).details().get(ProfileCapturer.RECORDING_TYPES)).isEqualTo("cpu+mem");
        }
    }
}
