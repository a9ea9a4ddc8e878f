package io.holmes.benchmarks;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.Rule;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How fast Holmes reacts. At a 1 s collect interval it injects spikes of each kind one after another (every core
 * busy; 60 % of memoryLimit retained; 300 parked threads), records every reading as it is taken, and reports as a
 * distribution: how many ticks after the first anomalous reading the rule fired (0 = on that very reading), how
 * many ticks after the injection, and how long after the trigger the event's files were complete.
 *
 * <p>A reading is anomalous when it satisfies the rule against the ten readings before it: at least min, below
 * max, and above abs or at least avg * (100 + diff) / 100.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.holmes.benchmarks.DetectionHarness [spikes per
 * type] [rest ticks between spikes]} (defaults 20 and 4).
 */
public final class DetectionHarness {

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration SAMPLING = Duration.ofSeconds(2);
    private static final Duration COOLDOWN = Duration.ofSeconds(5);
    private static final long MEMORY_LIMIT = 512L * 1024 * 1024;

    private final Map<Long, int[]> readings = new ConcurrentHashMap<>();
    private final Map<Long, Long> seenAtMillis = new ConcurrentHashMap<>();
    private final BlockingQueue<DumpEvent> events = new LinkedBlockingQueue<>();
    private Holmes holmes;
    private volatile boolean polling = true;
    private static volatile long blackhole;

    private DetectionHarness() {
    }

    public static void main(String[] args) throws Exception {
        int spikes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rest = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        new DetectionHarness().run(spikes, rest);
    }

    private void run(int spikes, int rest) throws Exception {
        int baseThreads = Thread.activeCount();
        holmes = Holmes.builder()
                .collectInterval(INTERVAL)
                .samplingTime(SAMPLING)
                .memoryLimit(MEMORY_LIMIT)
                .dumpPath(Files.createTempDirectory("holmes-detection"))
                .cpuDump(40, 100, 95, COOLDOWN)
                .memDump(20, 100, 90, COOLDOWN)
                .threadDump(baseThreads + 100, 100, 5_000, 0, COOLDOWN)
                .reporter(events::add)
                .build()
                .start();
        Thread poller = new Thread(this::poll, "reading-recorder");
        poller.setDaemon(true);
        poller.start();
        awaitTicks(11);
        System.out.printf("collect interval %s, samplingTime %s, %d spikes per type, %d rest ticks%n",
                INTERVAL, SAMPLING, spikes, rest);
        try {
            for (DumpType type : new DumpType[] {DumpType.THREAD, DumpType.CPU, DumpType.MEM}) {
                measure(type, spikes, rest);
            }
        } finally {
            polling = false;
            holmes.close();
        }
    }

    private void measure(DumpType type, int spikes, int rest) throws Exception {
        List<Integer> late = new ArrayList<>();
        List<Integer> afterInjection = new ArrayList<>();
        List<Long> filesMillis = new ArrayList<>();
        int missed = 0;
        for (int i = 0; i < spikes; i++) {
            events.clear();
            long injectedAfter = holmes.ticks();
            AutoCloseable spike = inject(type);
            DumpEvent event;
            try {
                event = next(type, Duration.ofSeconds(30));
            } finally {
                spike.close();
            }
            if (event == null) {
                missed++;
                continue;
            }
            long trigger = findTrigger(event, injectedAfter);
            long firstAnomalous = firstAnomalous(type, event.rule(), injectedAfter, trigger);
            if (trigger < 0 || firstAnomalous < 0) {
                missed++;
                continue;
            }
            late.add((int) (trigger - firstAnomalous));
            afterInjection.add((int) (trigger - injectedAfter));
            filesMillis.add(event.end().toEpochMilli() - seenAtMillis.get(trigger));
            // Let the readings settle and the cooldown pass before the next spike.
            awaitTicks(Math.max(rest, (int) (COOLDOWN.toSeconds() / INTERVAL.toSeconds()) + 1));
        }
        System.out.printf("%n%s: %d spikes, %d without an event%n", type, spikes, missed);
        System.out.printf("  ticks from the first anomalous reading to the trigger: %s%n", distribution(late));
        System.out.printf("  ticks from the injection to the trigger:               %s%n", distribution(afterInjection));
        System.out.printf("  ms from the trigger tick to complete files:           %s%n", distribution(filesMillis));
    }

    /** The tick whose reading fired: after the injection, reading == current, the reading before == window's last. */
    private long findTrigger(DumpEvent event, long after) {
        int t = event.type().ordinal();
        List<Integer> window = event.window();
        for (long k = after + 1; readings.containsKey(k); k++) {
            int[] r = readings.get(k);
            int[] previous = readings.get(k - 1);
            if (r[t] == event.current() && (window.isEmpty() || previous != null
                    && previous[t] == window.get(window.size() - 1))) {
                return k;
            }
        }
        return -1;
    }

    private long firstAnomalous(DumpType type, Rule rule, long after, long upTo) {
        int t = type.ordinal();
        for (long k = after + 1; k <= upTo; k++) {
            long sum = 0;
            int n = 0;
            for (long j = k - 10; j < k; j++) {
                int[] r = readings.get(j);
                if (r != null && r[t] >= 0) {
                    sum += r[t];
                    n++;
                }
            }
            if (n < 10) {
                continue;
            }
            long avg = sum / n;
            long cur = readings.get(k)[t];
            boolean fires = cur >= rule.min() && (rule.max() == 0 || cur < rule.max())
                    && (cur > rule.abs() || cur >= avg * (100 + rule.diff()) / 100);
            if (fires) {
                return k;
            }
        }
        return -1;
    }

    private DumpEvent next(DumpType type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            DumpEvent e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e != null && e.type() == type) {
                return e;
            }
        }
        return null;
    }

    private AutoCloseable inject(DumpType type) {
        switch (type) {
            case CPU: {
                List<Thread> burners = new ArrayList<>();
                AtomicBoolean stop = new AtomicBoolean();
                for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                    Thread t = new Thread(() -> {
                        long x = 1;
                        while (!stop.get()) {
                            for (int j = 0; j < 1_000_000; j++) {
                                x = x * 6364136223846793005L + 1;
                            }
                            blackhole = x;
                        }
                    }, "spike-cpu-" + i);
                    t.setDaemon(true);
                    t.start();
                    burners.add(t);
                }
                return () -> {
                    stop.set(true);
                    for (Thread t : burners) {
                        t.join();
                    }
                };
            }
            case MEM: {
                List<long[]> retained = new ArrayList<>();
                for (long b = 0; b < MEMORY_LIMIT * 6 / 10; b += 8 * 1024) {
                    retained.add(new long[1024]);
                }
                return () -> {
                    retained.clear();
                    System.gc();
                };
            }
            default: {
                CountDownLatch release = new CountDownLatch(1);
                List<Thread> parked = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    Thread t = new Thread(() -> {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "spike-thread-" + i);
                    t.setDaemon(true);
                    t.start();
                    parked.add(t);
                }
                return () -> {
                    release.countDown();
                    for (Thread t : parked) {
                        t.join();
                    }
                };
            }
        }
    }

    private void poll() {
        long seen = holmes.ticks();
        while (polling) {
            long now = holmes.ticks();
            if (now != seen) {
                int[] r = new int[DumpType.values().length];
                for (DumpType type : DumpType.values()) {
                    r[type.ordinal()] = holmes.state(type).latest();
                }
                readings.put(now, r);
                seenAtMillis.put(now, System.currentTimeMillis());
                seen = now;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void awaitTicks(int n) throws InterruptedException {
        long target = holmes.ticks() + n;
        while (holmes.ticks() < target) {
            Thread.sleep(20);
        }
    }

    private static <T extends Comparable<T>> String distribution(List<T> values) {
        if (values.isEmpty()) {
            return "no data";
        }
        List<T> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("n=%d min=%s median=%s p90=%s max=%s", sorted.size(), sorted.get(0),
                sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1),
                sorted.get(sorted.size() - 1));
    }
}
