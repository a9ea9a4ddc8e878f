package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.internal.collect.JvmProcessProbe;
import io.holmes.internal.collect.ProcessProbe;
import io.holmes.testing.ChildJvm;
import io.holmes.testing.RecordingReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host under pressure: Holmes keeps its own allocation flat and honours cpuMax. */
class PressureTest {

    @TempDir
    Path tmp;

    @Test
    void aTickAllocatesNothingWorthCounting() {
        // A clock that advances 100 ms per reading, as between two real ticks: back-to-back ticks would otherwise
        // see CPU percentages in the thousands and fire.
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofHours(1)).dumpPath(tmp)
                .nanoTime(() -> clock.addAndGet(100_000_000L))
                .cpuDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .memDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .threadDump(Integer.MAX_VALUE, 100, Integer.MAX_VALUE, 0, Duration.ofMinutes(1))
                .build().start()) {
            for (int i = 0; i < 20_000; i++) {
                holmes.tick(holmes.currentRun()); // warm-up: JIT and escape analysis
            }
            long perTick = TickAllocation.bytesPerTick(holmes, 100_000);
            assertThat(perTick).as("bytes allocated per tick").isLessThanOrEqualTo(64);
            assertThat(tmp.toFile().list()).as("no capture fired").isEmpty();
        }
    }

    @Test
    void nearItsHeapLimit_theHostKeepsRunning_andHolmesStillTicksAndCaptures() throws Exception {
        String output = ChildJvm.run(ChildJvm.command(List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                NearHeapLimitMain.class), tmp.resolve("child.out"), 180);
        Matcher m = Pattern.compile("ballast=(\\d+) MiB heap%=(\\d+) ticks=(\\d+) memFiles=(\\d+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        assertThat(Integer.parseInt(m.group(2))).as("heap percent while Holmes ran").isGreaterThanOrEqualTo(80);
        assertThat(Long.parseLong(m.group(3))).as("ticks before, during and after the capture").isGreaterThanOrEqualTo(30);
        // jfr, pb.gz, html, live.pb.gz, live.html, histo.txt, growth.txt, json
        assertThat(Integer.parseInt(m.group(4))).as("files of the MEM capture").isEqualTo(8);
    }

    /**
     * A real pile-up of 300 threads while CPU % reads above {@code cpuMax}. The thread count comes from the JVM;
     * the CPU reading is set by the test, because on a shared machine this JVM cannot count on owning the cores
     * (how CPU % is read is {@code JvmProcessProbeTest}'s subject).
     */
    @Test
    void whileCpuIsAboveCpuMax_aThreadPileUpIsNotCaptured_norReplayedWhenTheCpuCalmsDown() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        int baseline = Thread.activeCount();
        CountDownLatch release = new CountDownLatch(1);
        JvmProcessProbe jvm = new JvmProcessProbe(1, Runtime.getRuntime().maxMemory(), System::nanoTime);
        AtomicInteger cpu = new AtomicInteger(5);
        ProcessProbe probe = new ProcessProbe() {
            @Override
            public void reset() {
                jvm.reset();
            }

            @Override
            public int cpuPercent() {
                return cpu.get();
            }

            @Override
            public int heapPercent() {
                return jvm.heapPercent();
            }

            @Override
            public int threadCount() {
                return jvm.threadCount();
            }
        };
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(50)).probe(probe)
                .dumpPath(tmp).cpuMax(60)
                .threadDump(baseline + 100, 100, 100_000, 0, Duration.ofMinutes(5)).reporter(reporter)
                .build().start()) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.state(DumpType.THREAD).window().size() == 10);
            cpu.set(90);
            long busySince = holmes.ticks();
            await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.ticks() >= busySince + 1
                    && holmes.state(DumpType.CPU).latest() == 90);
            for (int i = 0; i < 300; i++) {
                Thread t = new Thread(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "pressure-pile-" + i);
                t.setDaemon(true);
                t.start();
            }
            // Ten readings of the pile-up, every one of them vetoed by cpuMax.
            long pileSince = holmes.ticks();
            await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.ticks() >= pileSince + 10);
            assertThat(holmes.state(DumpType.THREAD).latest()).isGreaterThanOrEqualTo(baseline + 300);
            assertThat(reporter.events()).isEmpty();
            // An operator's manual capture is refused too: no capture of any kind above cpuMax.
            assertThat(holmes.dump(DumpType.THREAD)).failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withMessageContaining("no capture while CPU % is at or above cpuMax: the latest reading is 90 %,"
                            + " cpuMax 60 %");

            // The window now holds the pile-up: with the veto lifted, nothing new is a jump, so still no capture;
            // what the veto prevented is not replayed later.
            cpu.set(5);
            long calmSince = holmes.ticks();
            await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.ticks() >= calmSince + 10);
            assertThat(holmes.state(DumpType.CPU).latest()).isEqualTo(5);
            assertThat(reporter.events()).isEmpty();
            // Below cpuMax, a manual capture goes through again.
            assertThat(holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS).reason()).isEqualTo(Reason.MANUAL);
        } finally {
            release.countDown();
        }
    }
}
