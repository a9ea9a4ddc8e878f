package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AllocationRateTest {

    private static volatile Object sink;

    @Test
    void intervalKeepsTheSampleRateBounded_withAFloorAndACeiling() {
        assertThat(AllocationRate.interval(-1)).as("unknown rate").isEqualTo(512 * 1024);
        assertThat(AllocationRate.interval(0)).isEqualTo(512 * 1024);
        assertThat(AllocationRate.interval(10L << 20)).as("10 MiB/s").isEqualTo(512 * 1024);
        assertThat(AllocationRate.interval(100L << 20)).as("100 MiB/s").isEqualTo(512 * 1024);
        assertThat(AllocationRate.interval(2L << 30)).as("2 GiB/s: 200 samples/s").isEqualTo((2L << 30) / 200);
        assertThat(AllocationRate.interval(Long.MAX_VALUE)).isEqualTo(1L << 30);
    }

    @Test
    void measuresWhatAThreadAllocates() throws Exception {
        AtomicLong allocated = new AtomicLong();
        Thread allocator = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sink = new byte[64 * 1024];
                allocated.addAndGet(64 * 1024 + 16);
            }
        }, "allocator");
        allocator.setDaemon(true);
        allocator.start();
        try {
            long countedBefore = allocated.get();
            long started = System.nanoTime();
            long rate = AllocationRate.measure(200);
            double seconds = (System.nanoTime() - started) / 1e9;
            long counted = allocated.get() - countedBefore;

            // The allocator's own count over a window that encloses the measured one: the measured bytes are of that
            // order (other threads of the test JVM allocate too, a little).
            assertThat(rate).isPositive();
            assertThat(rate * seconds).isLessThanOrEqualTo(counted * 2.0 + (32 << 20));
            assertThat(rate * seconds).isGreaterThanOrEqualTo(counted * 0.5);
        } finally {
            allocator.interrupt();
            allocator.join(5_000);
        }
    }
}
