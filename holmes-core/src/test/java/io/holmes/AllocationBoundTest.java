package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread allocating as fast as it is scheduled (gigabytes a second on any core share): a MEM capture chooses its
 * allocation sampling interval from the rate measured just before it and takes a bounded number of samples a
 * second; an explicit {@code allocSamplingInterval} is used as given.
 */
class AllocationBoundTest {

    private static volatile Object sink;

    @TempDir
    Path tmp;

    @Test
    void theIntervalFollowsTheAllocationRate_andTheSampleRateStaysBounded() throws Exception {
        Thread allocator = startAllocator();
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).samplingTime(Duration.ofSeconds(2)).build().start()) {
            DumpEvent event = holmes.dump(DumpType.MEM).get(60, TimeUnit.SECONDS);

            long rate = Long.parseLong(event.details().get("allocationRate"));
            assertThat(rate).as("bytes/s measured before the capture").isGreaterThan(100L << 20);
            long interval = Math.max(512 * 1024, rate / 200);
            assertThat(event.details()).containsEntry("samplingInterval", interval + " bytes");
            assertThat(event.details().get("samplingIntervalChoice")).startsWith("at most 200 samples/s");
            double seconds = Long.parseLong(event.details().get("coveredMillis")) / 1000.0;
            long samples = Long.parseLong(event.details().get("samples"));
            // At 512 KiB (the former fixed interval) this rate gave thousands of samples a second.
            assertThat(samples / seconds).as("allocation samples per second").isPositive().isLessThan(4 * 200);
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

    private static Thread startAllocator() {
        Thread allocator = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sink = new byte[16 * 1024];
            }
        }, "allocator");
        allocator.setDaemon(true);
        allocator.start();
        return allocator;
    }
}
