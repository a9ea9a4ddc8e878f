package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holmes.internal.decide.Window;
import io.holmes.testing.RecordingReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Holmes as a whole, driven tick by tick with scripted readings (the real collector is scheduled an hour
 * out), capturing real thread dumps into a real directory.
 */
class HolmesLifecycleTest extends ScriptedHolmesTest {

    HolmesLifecycleTest() {
        super(10, 40, 50);
    }

    private Holmes.Builder builder() {
        return scripted()
                .threadDump(100, 100, 5000, 0, Duration.ofMinutes(1));
    }

    private void tick(int threads) {
        probe.threads = threads;
        tick();
    }

    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).count();
    }

    @Test
    void triggeredCaptureReachesDiskAndReporter() {
        holmes = builder().build().start();
        for (int i = 0; i < Window.CAPACITY; i++) {
            tick(50);
        }
        tick(300);
        await().atMost(10, TimeUnit.SECONDS).until(() -> reporter.events().size() == 1);
        DumpEvent event = reporter.events().get(0);
        assertThat(event.type()).isEqualTo(DumpType.THREAD);
        assertThat(event.reason()).isEqualTo(Reason.DIFF);
        assertThat(event.current()).isEqualTo(300);
        assertThat(event.average()).isEqualTo(50);
        assertThat(event.window()).hasSize(10).containsOnly(50);
        assertThat(event.rule()).isEqualTo(holmes.rule(DumpType.THREAD));
        assertThat(event.files()).extracting(p -> p.getFileName().toString())
                .allMatch(n -> n.matches("thread\\.\\d{8}-\\d{6}\\.\\d{3}\\.(txt|pb\\.gz|json)"))
                .hasSize(3);
        assertThat(event.files()).allSatisfy(f -> assertThat(f).exists().hasParent(tmp));
    }

    @Test
    void stopThenStartWarmsUpAgain() {
        holmes = builder().build().start();
        for (int i = 0; i < Window.CAPACITY; i++) {
            tick(50);
        }
        holmes.stop();
        holmes.start();
        assertThat(holmes.state(DumpType.THREAD).window()).isEmpty();
        assertThat(probe.resets).isEqualTo(2);
        tick(300); // would fire with a full window
        for (int i = 0; i < Window.CAPACITY - 1; i++) {
            tick(50);
        }
        assertThat(holmes.state(DumpType.THREAD).window()).hasSize(10);
        assertThat(reporter.events()).isEmpty();
        tick(1000);
        await().atMost(10, TimeUnit.SECONDS).until(() -> reporter.events().size() == 1);
    }

    @Test
    void aReadingThatFailsIsSkippedAndTheOthersGoOn() {
        holmes = builder().build().start();
        probe.heapFailure = new IllegalStateException("heap bean gone");
        for (int i = 0; i < Window.CAPACITY; i++) {
            tick(50);
        }
        assertThat(holmes.state(DumpType.MEM).window()).isEmpty();
        assertThat(holmes.state(DumpType.THREAD).window()).hasSize(10);
        probe.heapFailure = null;
        tick(50);
        assertThat(holmes.state(DumpType.MEM).window()).containsExactly(40);
    }

    @Test
    void disableAndEnableAtRunTime() {
        holmes = builder().build().start();
        holmes.disable(DumpType.THREAD);
        for (int i = 0; i < Window.CAPACITY; i++) {
            tick(50);
        }
        tick(300);
        assertThat(holmes.isEnabled(DumpType.THREAD)).isFalse();
        holmes.enable(DumpType.THREAD);
        tick(1000);
        await().atMost(10, TimeUnit.SECONDS).until(() -> reporter.events().size() == 1);
        assertThat(reporter.events().get(0).current()).isEqualTo(1000);
    }

    @Test
    void startIsIdempotent_stopEndsEveryThread_closeIsFinal() {
        holmes = builder().build();
        long before = threadsNamed("holmes-collector");
        holmes.start();
        holmes.start();
        assertThat(holmes.isRunning()).isTrue();
        assertThat(threadsNamed("holmes-collector")).isEqualTo(before + 1);
        assertThat(threadsNamed("holmes-reporter")).isGreaterThanOrEqualTo(1);
        holmes.stop();
        await().atMost(5, TimeUnit.SECONDS).until(() -> threadsNamed("holmes-collector") == before);
        holmes.close();
        holmes.close();
        assertThatThrownBy(holmes::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void collectorRunsOnItsOwnAndAnIntervalChangeTakesEffect() {
        holmes = builder().collectInterval(Duration.ofMillis(20)).build().start();
        await().atMost(5, TimeUnit.SECONDS).until(() -> holmes.state(DumpType.THREAD).window().size() == 10);
        holmes.setCollectInterval(Duration.ofHours(1));
        // A tick already running when the interval changed may still finish; after that, none comes.
        int[] settled = new int[1];
        await().pollDelay(100, TimeUnit.MILLISECONDS).until(() -> {
            settled[0] = probe.cpuReads.get();
            return true;
        });
        await().during(300, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS)
                .until(() -> probe.cpuReads.get() == settled[0]);
        holmes.setCollectInterval(Duration.ofMillis(20));
        await().atMost(5, TimeUnit.SECONDS).until(() -> probe.cpuReads.get() >= settled[0] + 3);
        assertThat(holmes.collectInterval()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void manualDumpCompletesOnceTheFilesExist() throws Exception {
        holmes = builder().build().start();
        tick(50);
        tick(60);
        DumpEvent event = holmes.dump(DumpType.THREAD).get(10, TimeUnit.SECONDS);
        assertThat(event.reason()).isEqualTo(Reason.MANUAL);
        assertThat(event.rule()).isNull();
        assertThat(event.current()).isEqualTo(60);
        assertThat(event.window()).containsExactly(50);
        assertThat(event.average()).isEqualTo(50);
        for (Path file : event.files()) {
            assertThat(Files.size(file)).as(file.toString()).isPositive();
        }
        assertThat(event.details()).containsKey("threads");
        assertThat(holmes.state(DumpType.THREAD).cooldownLeft()).isZero();
    }

    @Test
    void manualDumpWhenNotRunningFailsTheFutureInsteadOfThrowing() {
        holmes = builder().build();
        assertThatThrownBy(() -> holmes.dump(DumpType.THREAD).get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
        assertThatThrownBy(() -> holmes.dump(null).get(1, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReporterThatThrowsDoesNotStopTheOthers() throws Exception {
        RecordingReporter after = new RecordingReporter();
        holmes = builder().reporter(event -> {
            throw new IllegalStateException("webhook down");
        }).reporter(after).build().start();
        holmes.dump(DumpType.THREAD).get(10, TimeUnit.SECONDS);
        holmes.dump(DumpType.THREAD).get(10, TimeUnit.SECONDS);
        await().atMost(5, TimeUnit.SECONDS).until(() -> after.events().size() == 2);
        assertThat(reporter.events()).hasSize(2);
        assertThat(holmes.failedReports()).isEqualTo(2);
        assertThat(holmes.deliveredReports()).isEqualTo(4);
    }

    @Test
    void aBlockedReporterCostsABoundedQueue_andCloseReturnsWithinItsTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        holmes = builder().reporterQueueCapacity(2).closeTimeout(Duration.ofMillis(500)).reporter(event -> {
            entered.incrementAndGet();
            while (never.getCount() > 0) {
                try {
                    never.await();
                } catch (InterruptedException ignoreAndKeepBlocking) {
                    // a reporter that ignores interrupts: the worst case
                }
            }
        }).build().start();
        try {
            holmes.dump(DumpType.THREAD).get(10, TimeUnit.SECONDS);
            await().atMost(5, TimeUnit.SECONDS).until(() -> entered.get() == 1);
            for (int i = 0; i < 5; i++) {
                holmes.dump(DumpType.THREAD).get(10, TimeUnit.SECONDS);
            }
            // One event is stuck in the reporter, two wait in the queue, the three oldest others were dropped.
            await().atMost(5, TimeUnit.SECONDS).until(() -> holmes.droppedReports() == 3);
            assertThat(entered.get()).isEqualTo(1);
            long start = System.nanoTime();
            holmes.close();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(tookMillis).isLessThan(3_000);
            assertThat(holmes.isRunning()).isFalse();
        } finally {
            never.countDown();
        }
    }

    @Test
    void dumpsRacingEachOtherAllLandWithDistinctFiles() throws Exception {
        holmes = builder().build().start();
        List<java.util.concurrent.CompletableFuture<DumpEvent>> futures = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(holmes.dump(DumpType.THREAD));
        }
        java.util.Set<Path> files = new java.util.HashSet<>();
        for (var f : futures) {
            files.addAll(f.get(10, TimeUnit.SECONDS).files());
        }
        assertThat(files).hasSize(15).allSatisfy(p -> assertThat(p).exists());
    }
}
