package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.testing.RecordingReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reporters that fail or hang: collection stays on schedule, the queue stays bounded, close() stays bounded. */
class ReporterFaultTest {

    @TempDir
    Path tmp;

    @Test
    void aReporterThatThrows_isCounted_andTheOthersStillReceiveEveryEvent() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RecordingReporter healthy = new RecordingReporter();
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(20)).dumpPath(tmp)
                .reporter(event -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("reporter bug");
                })
                .reporter(event -> {
                    throw new StackOverflowError("worse reporter bug");
                })
                .reporter(healthy)
                .build().start()) {
            for (int i = 0; i < 5; i++) {
                holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS);
            }
            // A delivery is counted once the reporter has returned, just after it has recorded the event.
            await().atMost(30, TimeUnit.SECONDS).until(() -> healthy.events().size() == 5
                    && holmes.deliveredReports() == 5);
            assertThat(calls).hasValue(5);
            assertThat(holmes.failedReports()).isEqualTo(10);
            assertThat(holmes.deliveredReports()).isEqualTo(5);
            long ticks = holmes.ticks();
            await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.ticks() > ticks + 5);
        }
    }

    @Test
    void aReporterThatBlocksForever_costsABoundedQueue_neverTheCollectorOrClose() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        Duration closeTimeout = Duration.ofSeconds(1);
        Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(20)).dumpPath(tmp)
                .reporterQueueCapacity(3).closeTimeout(closeTimeout)
                .reporter(event -> {
                    entered.incrementAndGet();
                    while (never.getCount() > 0) {
                        try {
                            never.await(); // ignores interrupts: the worst kind of reporter
                        } catch (InterruptedException ignored) {
                            // keep blocking
                        }
                    }
                })
                .build().start();
        try {
            // The first event gets stuck in the reporter before the others arrive, so which ones are dropped does
            // not depend on when the reporter thread first runs.
            holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS);
            await().atMost(30, TimeUnit.SECONDS).until(() -> entered.get() == 1);
            for (int i = 1; i < 20; i++) {
                holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS);
            }
            // One event stuck in the reporter, three waiting, the rest dropped and counted.
            assertThat(entered).hasValue(1);
            assertThat(holmes.droppedReports()).isEqualTo(20 - 1 - 3);
            long ticks = holmes.ticks();
            await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.ticks() > ticks + 10);

            long started = System.nanoTime();
            holmes.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // A guarantee, not a speed target: close waits its timeout for the stuck reporter, then returns (a
            // reporter that is never released would otherwise hold close for ever; the slack is for a busy machine).
            assertThat(closeMillis).isLessThan(closeTimeout.toMillis() + 10_000);
            assertThat(holmes.isRunning()).isFalse();
            await().atMost(5, TimeUnit.SECONDS).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.isAlive() && (t.getName().equals("holmes-collector")
                            || t.getName().equals("holmes-capture"))));
            // The stuck reporter's thread is a daemon: it cannot keep the JVM alive.
            assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().equals("holmes-reporter"))).allMatch(Thread::isDaemon);
        } finally {
            never.countDown();
        }
    }
}
