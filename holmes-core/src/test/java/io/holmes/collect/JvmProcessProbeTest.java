package io.holmes.collect;

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
        JvmProcessProbe probe = new JvmProcessProbe(1, Runtime.getRuntime().maxMemory(), System::nanoTime);
        probe.reset();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        long x = 0;
        while (System.nanoTime() < until) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        int busy = probe.cpuPercent();
        assertThat(x).isNotNegative();
        // One thread spinning on one core: close to 100 % of one core (GC and JIT threads may add some).
        assertThat(busy).isBetween(60, 400);
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
