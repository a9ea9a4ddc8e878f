package io.holmes.samples.boot;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A checkout whose latency Holmes watches through the {@code checkout-p99} meter trigger (see application.yml):
 * {@code GET /checkout} prices a basket in about 20 ms; {@code POST /spike/checkout} makes pricing slow for a while,
 * the p99 of {@code http.server.requests} for {@code uri=/checkout} jumps, and Holmes captures CPU and threads.
 */
@RestController
public class CheckoutController {

    private static volatile long blackhole;
    private volatile long slowUntil;
    private volatile int slowMillis;

    @GetMapping("/checkout")
    public Map<String, Object> checkout() {
        long millis = System.nanoTime() < slowUntil ? slowMillis : 20;
        priceBasket(millis);
        return Map.of("status", "paid", "millis", millis);
    }

    /** Makes every checkout take {@code millis} of CPU for the next {@code seconds}. */
    @PostMapping("/spike/checkout")
    public Map<String, Object> slowCheckout(@RequestParam(defaultValue = "400") int millis,
                                            @RequestParam(defaultValue = "30") int seconds) {
        slowMillis = millis;
        slowUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        return Map.of("spike", "checkout", "millis", millis, "seconds", seconds);
    }

    /** The slow part a CPU capture of the slow checkout shows. */
    private static void priceBasket(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long price = 1;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 10_000; i++) {
                price = price * 6364136223846793005L + 1442695040888963407L;
            }
        }
        blackhole = price;
    }
}
