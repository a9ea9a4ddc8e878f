package io.holmes.testing;

import java.util.ArrayList;
import java.util.List;

/** Keeps every core busy in {@link #burnCpuInHolmesTest()} until closed: a CPU spike with a name. */
public final class Burner implements AutoCloseable {

    private static volatile long sink;

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public static Burner onAllCores() {
        Burner burner = new Burner();
        int cores = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < cores; i++) {
            Thread t = new Thread(burner::burnCpuInHolmesTest, "burner-" + i);
            t.setDaemon(true);
            t.start();
            burner.threads.add(t);
        }
        return burner;
    }

    /** The hot method the captures must name. */
    public void burnCpuInHolmesTest() {
        long x = 0;
        while (running) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            sink = x;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(2_000);
        }
    }
}
