package io.holmes.internal.capture;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Garbage collections as the JVM counts them, to time a class histogram right after one: a histogram of all
 * objects walks the whole used heap at a safepoint, and right after a young collection the young generation is
 * empty, so the walk is shorter and counts far fewer dead objects. Holmes waits for a collection, never causes one.
 */
final class GcCounter {

    private static final long POLL_MILLIS = 5;

    private GcCounter() {
    }

    /** Collections so far, every collector together. */
    static long count() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionCount());
        }
        return total;
    }

    /**
     * Waits at least {@code minMillis}, then until a collection after {@code since} has happened or {@code maxMillis}
     * have passed.
     *
     * @return whether a collection happened
     */
    static boolean awaitNext(long since, long minMillis, long maxMillis) throws InterruptedException {
        long started = System.nanoTime();
        if (minMillis > 0) {
            TimeUnit.MILLISECONDS.sleep(minMillis);
        }
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (count() == since) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        return true;
    }
}
