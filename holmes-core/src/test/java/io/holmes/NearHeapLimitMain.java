package io.holmes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link PressureTest} in its own small JVM: the heap filled to about 90 % of -Xmx with more allocation
 * going on, while Holmes ticks every 20 ms and takes a MEM capture (allocation profile and class histogram).
 * Prints one line of results and exits 0 unless something failed.
 */
public final class NearHeapLimitMain {

    private static volatile Object churn;

    private NearHeapLimitMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dumps = Files.createTempDirectory("holmes-near-limit");
        long max = Runtime.getRuntime().maxMemory();
        List<long[]> ballast = new ArrayList<>();
        while (used() < max * 0.88) {
            ballast.add(new long[16 * 1024]);
        }
        Thread churner = new Thread(() -> {
            while (true) {
                churn = new byte[4096];
            }
        }, "churn");
        churner.setDaemon(true);
        churner.start();
        int heapPercent;
        long ticks;
        DumpEvent mem;
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(20)).dumpPath(dumps)
                .samplingTime(Duration.ofMillis(500)).memDump(95, 100, 99, Duration.ofMinutes(1)).build().start()) {
            // Ticks before, during and after the capture, waited for rather than timed: a busy machine may be slow,
            // but a collector that stopped would never get there (the test's process timeout ends the wait).
            awaitTicks(holmes, 20);
            mem = holmes.dump(DumpType.MEM).get(60, TimeUnit.SECONDS);
            awaitTicks(holmes, holmes.ticks() + 10);
            heapPercent = holmes.state(DumpType.MEM).latest();
            ticks = holmes.ticks();
        }
        System.out.printf("ballast=%d MiB heap%%=%d ticks=%d memFiles=%d engine=%s%n",
                ballast.size() * 16L * 1024 * 8 / (1024 * 1024), heapPercent, ticks,
                mem.files().stream().filter(f -> !f.getFileName().toString().contains(".before.")).count(),
                mem.details().get("engine"));
        System.exit(0);
    }

    private static void awaitTicks(Holmes holmes, long ticks) throws InterruptedException {
        while (holmes.ticks() < ticks) {
            Thread.sleep(10);
        }
    }

    private static long used() {
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
