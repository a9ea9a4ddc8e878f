package io.holmes.samples.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Provokes the anomalies Holmes watches for; each returns at once and ends by itself after {@code seconds}. */
@RestController
@RequestMapping("/spike")
public class SpikeController {

    private static volatile long blackhole;

    /** Every core busy in {@code priceEveryOrder} for {@code seconds}. */
    @PostMapping("/cpu")
    public Map<String, Object> cpu(@RequestParam(defaultValue = "10") int seconds) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int cores = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < cores; i++) {
            daemon("spike-pricing-" + i, () -> priceEveryOrder(until)).start();
        }
        return Map.of("spike", "cpu", "threads", cores, "seconds", seconds);
    }

    /** {@code mb} megabytes retained by {@code loadWholeCatalogue} for {@code seconds}, then released. */
    @PostMapping("/heap")
    public Map<String, Object> heap(@RequestParam(defaultValue = "150") int mb,
                                    @RequestParam(defaultValue = "20") int seconds) {
        daemon("spike-catalogue", () -> loadWholeCatalogue(mb, seconds)).start();
        return Map.of("spike", "heap", "megabytes", mb, "seconds", seconds);
    }

    /** {@code count} threads parked in {@code waitForDownstream} for {@code seconds}. */
    @PostMapping("/threads")
    public Map<String, Object> threads(@RequestParam(defaultValue = "300") int count,
                                       @RequestParam(defaultValue = "15") int seconds) {
        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < count; i++) {
            daemon("spike-request-" + i, () -> waitForDownstream(never, seconds)).start();
        }
        return Map.of("spike", "threads", "threads", count, "seconds", seconds);
    }

    private static void priceEveryOrder(long until) {
        long price = 1;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 1_000_000; i++) {
                price = price * 6364136223846793005L + 1442695040888963407L;
            }
            blackhole = price;
        }
    }

    private static void loadWholeCatalogue(int mb, int seconds) {
        List<long[]> catalogue = new ArrayList<>();
        // Grows over about three seconds, so that the allocation profile sees the culprit at work.
        for (int step = 0; step < 30; step++) {
            for (int i = 0; i < mb * 1024 / 30 / 8; i++) {
                catalogue.add(new long[1024]);
            }
            sleep(TimeUnit.MILLISECONDS.toMillis(100));
        }
        sleep(TimeUnit.SECONDS.toMillis(seconds));
        blackhole = catalogue.size();
    }

    private static void waitForDownstream(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
