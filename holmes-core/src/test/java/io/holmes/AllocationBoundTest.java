package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread allocating small arrays as fast as it is scheduled (gigabytes a second on any core share): a MEM capture chooses its
 * allocation sampling interval from the rate measured just before it and takes a bounded number of samples a
 * second; an explicit {@code allocSamplingInterval} is used as given.
 */
class AllocationBoundTest {

    private static volatile Object sink;

    private final AtomicLong allocations = new AtomicLong();

    @TempDir
    Path tmp;

    @Test
    void theIntervalFollowsTheAllocationRate_andTheSamplerKeepsToIt() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Thread allocator = startAllocator();
        // Compiled before the rate is measured: an allocator still warming up would speed up during the capture.
        await().atMost(60, TimeUnit.SECONDS).until(() -> allocations.get() >= 200_000);
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).samplingTime(Duration.ofSeconds(2)).lookBack(Duration.ZERO)
                .build().start()) {
            long allocatedBefore = threads.getThreadAllocatedBytes(allocator.getId());
            DumpEvent event = holmes.dump(DumpType.MEM).get(60, TimeUnit.SECONDS);
            long allocatedAround = threads.getThreadAllocatedBytes(allocator.getId()) - allocatedBefore;

            // The interval follows the rate measured just before the capture.
            long rate = Long.parseLong(event.details().get("allocationRate"));
            assertThat(rate).as("bytes/s measured before the capture").isGreaterThan(100L << 20);
            long interval = Math.max(512 * 1024, rate / 200);
            assertThat(interval).isGreaterThan(512 * 1024);
            assertThat(event.details()).containsEntry("samplingInterval", interval + " bytes");
            assertThat(event.details().get("samplingIntervalChoice")).startsWith("at most 200 samples/s");
            // And the sampler keeps to it: at most about one sample per interval of what the allocator allocated
            // from before the capture to after it (a busy machine changes the rate between the measurement and
            // the capture, so the bound is on what was allocated, not on time). async-profiler's count per interval
            // is not exact (bursts were seen with large arrays), hence the factor of two.
            long samples = Long.parseLong(event.details().get("samples"));
            assertThat(samples).as("allocation samples for %d bytes allocated at an interval of %d bytes",
                    allocatedAround, interval).isPositive().isLessThanOrEqualTo(2 * allocatedAround / interval + 20);
        } finally {
            allocator.interrupt();
            allocator.join(5_000);
        }
    }

    @Test
    void anExplicitIntervalIsUsedAsGiven() throws Exception {
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).samplingTime(Duration.ofMillis(500))
                .allocSamplingInterval(300_000).build().start()) {
            DumpEvent event = holmes.dump(DumpType.MEM).get(60, TimeUnit.SECONDS);

            assertThat(event.details()).containsEntry("samplingInterval", "300000 bytes")
                    .containsEntry("samplingIntervalChoice", "allocSamplingInterval").doesNotContainKey("allocationRate");
        }
    }

    private Thread startAllocator() {
        Thread allocator = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sink = new long[8];
                allocations.incrementAndGet();
            }
        }, "allocator");
        allocator.setDaemon(true);
        allocator.start();
        return allocator;
    }
}
