package io.holmes.internal.capture;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * Garbage collections as the JVM counts them, to time a class histogram right after one: a histogram of all
 * objects walks the whole used heap at a safepoint, and right after a young collection the young generation is
 * empty, so the walk is shorter and counts far fewer dead objects. Holmes waits for a collection, never causes one.
 * It waits for the collectors' notifications rather than polling their counts: a poll every few milliseconds for
 * seconds was work of its own, and code the JIT compiled at every capture.
 */
final class GcCounter {

    /** Upper bound of one sleep between two looks at the count, should a notification never come. */
    private static final long POLL_MILLIS = 250;

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
        CountDownLatch collected = new CountDownLatch(1);
        NotificationListener listener = (notification, handback) -> collected.countDown();
        List<NotificationEmitter> emitters = new ArrayList<>();
        try {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(listener, null, null);
                    emitters.add(emitter);
                }
            }
            // Listening now: a collection from here on counts the latch down, one before it shows in the count.
            while (count() == since) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                collected.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            for (NotificationEmitter emitter : emitters) {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (ListenerNotFoundException gone) {
                    // nothing to remove
                }
            }
        }
    }
}
