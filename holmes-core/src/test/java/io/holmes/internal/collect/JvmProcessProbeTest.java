package io.holmes.internal.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JvmProcessProbeTest {

    @Test
    void cpuFormula() {
        // 1 s of CPU over 1 s of wall time on 2 cores is 50 %.
        assertThat(JvmProcessProbe.cpuPercent(1_000_000_000L, 1_000_000_000L, 2)).isEqualTo(50);
        assertThat(JvmProcessProbe.cpuPercent(1_500_000_000L, 1_000_000_000L, 1.5)).isEqualTo(100);
        assertThat(JvmProcessProbe.cpuPercent(0, 1_000_000_000L, 2)).isZero();
        assertThat(JvmProcessProbe.cpuPercent(5, 0, 2)).isZero();
    }

    @Test
    void heapFormula() {
        assertThat(JvmProcessProbe.percentOf(512, 1024)).isEqualTo(50);
        assertThat(JvmProcessProbe.percentOf(2048, 1024)).isEqualTo(200);
        assertThat(JvmProcessProbe.percentOf(0, 1024)).isZero();
    }

    @Test
    void firstCpuReadingAfterResetMeasuresFromTheReset_andABusyThreadShows() throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        JvmProcessProbe probe = new JvmProcessProbe(1, Runtime.getRuntime().maxMemory(), System::nanoTime);
        long wallStart = System.nanoTime();
        probe.reset();
        // Spin until this thread has used 300 ms of CPU, however long a busy machine makes that take: the reading
        // is then compared with the CPU time this thread is known to have used, not with the share it got.
        long cpuStart = threads.getCurrentThreadCpuTime();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() - cpuStart < TimeUnit.MILLISECONDS.toNanos(300)) {
            for (int i = 0; i < 10_000; i++) {
                x += Long.numberOfTrailingZeros(x + i);
            }
        }
        long spun = threads.getCurrentThreadCpuTime() - cpuStart;
        int busy = probe.cpuPercent();
        long wall = System.nanoTime() - wallStart;
        assertThat(x).isNotNegative();
        // The process used at least what this thread used, over at most the wall time around the reading ...
        assertThat(busy).isGreaterThanOrEqualTo((int) (spun * 100 / wall) - 1);
        // ... and at most every core for all of it.
        assertThat(busy).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() * 100 + 1);
        assertThat(busy).isPositive();
    }

    @Test
    void threadReadingCountsStartedThreads() throws Exception {
        JvmProcessProbe probe = new JvmProcessProbe(1, Runtime.getRuntime().maxMemory(), System::nanoTime);
        int before = probe.threadCount();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.List<Thread> started = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Thread t = new Thread(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                started.add(t);
            }
            assertThat(probe.threadCount()).isGreaterThanOrEqualTo(before + 50 - 5);
        } finally {
            release.countDown();
            for (Thread t : started) {
                t.join();
            }
        }
    }

    @Test
    void heapReadingGrowsWithRetainedMemory() {
        long limit = Runtime.getRuntime().maxMemory();
        JvmProcessProbe probe = new JvmProcessProbe(1, limit, System::nanoTime);
        // Retain a fifth of the heap limit: whatever the collector frees meanwhile, the reading holds it.
        int chunks = (int) (limit / 5 / (1 << 20));
        byte[][] retained = new byte[chunks][];
        for (int i = 0; i < chunks; i++) {
            retained[i] = new byte[1 << 20];
        }
        int after = probe.heapPercent();
        assertThat(retained[chunks - 1]).hasSize(1 << 20);
        assertThat(after).isGreaterThanOrEqualTo(19);
    }
}
