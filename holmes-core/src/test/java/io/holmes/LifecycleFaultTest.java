package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.holmes.testing.FakeTicker;
import io.holmes.testing.RecordingReporter;
import io.holmes.testing.ScriptedProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start/stop churn, racing captures and reconfiguration under a running collector. */
class LifecycleFaultTest {

    @TempDir
    Path tmp;

    private static long holmesThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("holmes-")).count();
    }

    @Test
    void hundredStartStopCycles_leakNoThread() {
        long before = holmesThreads();
        RecordingReporter reporter = new RecordingReporter();
        Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(10)).dumpPath(tmp).reporter(reporter)
                .build();
        for (int i = 0; i < 100; i++) {
            holmes.start();
            holmes.start();
            assertThat(holmesThreads() - before).isBetween(1L, 4L); // collector, capture, reporter, look-back
            holmes.stop();
        }
        holmes.close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> holmesThreads() == before);
    }

    @Test
    void manualDumpsRacingTriggeredOnes_allComplete_andEveryEventIsWhole() throws Exception {
        ScriptedProbe probe = new ScriptedProbe().set(10, 10, 50);
        FakeTicker ticker = new FakeTicker();
        RecordingReporter reporter = new RecordingReporter();
        Path dumps = tmp.resolve("dumps");
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofHours(1)).dumpPath(dumps)
                .threadDump(60, 50, 5_000, 0, Duration.ZERO).reporter(reporter)
                .probe(probe).nanoTime(ticker).build().start()) {
            List<CompletableFuture<DumpEvent>> manual = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> racer = new AtomicReference<>();
            CountDownLatch firstManual = new CountDownLatch(1);
            Thread manualDumps = new Thread(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        manual.add(holmes.dump(DumpType.THREAD));
                        firstManual.countDown();
                        Thread.sleep(2);
                    }
                } catch (Throwable e) {
                    racer.set(e);
                } finally {
                    firstManual.countDown();
                }
            });
            manualDumps.start();
            // The race starts with a manual dump in the queue: ticks alone can fill it faster than a new thread
            // starts, and then every manual dump would be refused, rightly.
            assertThat(firstManual.await(30, TimeUnit.SECONDS)).isTrue();
            // Triggered captures on every other tick: 50 threads, then 200.
            for (int i = 0; i < 60; i++) {
                probe.threads = i >= 10 && i % 2 == 0 ? 200 : 50;
                ticker.advance(Duration.ofSeconds(1));
                holmes.tick(holmes.currentRun());
            }
            manualDumps.join();
            assertThat(racer.get()).isNull();
            for (CompletableFuture<DumpEvent> f : manual) {
                // Done either way: captured, or refused by the bounded capture queue (and said so).
                Throwable outcome = f.handle((event, error) -> error).get(30, TimeUnit.SECONDS);
                if (outcome != null) {
                    assertThat(outcome).isInstanceOf(RejectedExecutionException.class);
                }
            }
            assertThat(manual).anyMatch(f -> !f.isCompletedExceptionally());
            await().atMost(30, TimeUnit.SECONDS).until(() -> reporter.events().stream()
                    .anyMatch(e -> e.reason() != Reason.MANUAL));
            // Captures may still be queued or running: stop, which finishes or aborts them, then look.
            holmes.stop();
            DiskFaultTest.assertWholeEventsOnly(dumps);
        }
    }

    @Test
    void reconfigurationWhileTicking_neverStopsTheCollector() throws Exception {
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(10)).dumpPath(tmp)
                .cpuDump(90, 100, 95, Duration.ofMinutes(1)).build().start()) {
            List<Thread> changers = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean stop = new AtomicBoolean();
            for (int n = 0; n < 3; n++) {
                Thread t = new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    try {
                        while (!stop.get()) {
                            DumpType type = DumpType.values()[random.nextInt(3)];
                            switch (random.nextInt(5)) {
                                case 0 -> holmes.enable(type);
                                case 1 -> holmes.disable(type);
                                case 2 -> holmes.setRule(Rule.defaults(type));
                                case 3 -> holmes.setCpuMax(random.nextInt(0, 101));
                                default -> holmes.setCollectInterval(Duration.ofMillis(random.nextInt(10, 30)));
                            }
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                t.start();
                changers.add(t);
            }
            // Collection goes on while the three keep reconfiguring: waited for, however slow a busy machine is
            // (a starved collector never gets there, and the wait fails).
            long ticks = holmes.ticks();
            try {
                await().atMost(60, TimeUnit.SECONDS).until(() -> holmes.ticks() >= ticks + 20);
            } finally {
                stop.set(true);
                for (Thread t : changers) {
                    t.join();
                }
            }
            assertThat(failure.get()).isNull();
            holmes.setCollectInterval(Duration.ofMillis(10));
            long after = holmes.ticks();
            await().atMost(60, TimeUnit.SECONDS).until(() -> holmes.ticks() > after + 10);
            assertThatCode(() -> holmes.state(DumpType.CPU)).doesNotThrowAnyException();
        }
    }
}
