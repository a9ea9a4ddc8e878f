package io.holmes.internal.capture;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
     * How long, at {@code bytesPerSecond}, until the young generation's eden is full and a young collection comes:
     * its capacity (the collector's current target; G1 adapts it at each collection) less what it holds.
     *
     * @return milliseconds, or -1 when the collector has no eden (ZGC, Shenandoah) or the rate is unknown
     */
    static long millisToNextCollection(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            return -1;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getName().toLowerCase(Locale.ROOT).contains("eden")) {
                MemoryUsage usage = pool.getUsage();
                if (usage == null || usage.getCommitted() <= 0) {
                    return -1;
                }
                long free = Math.max(0, usage.getCommitted() - usage.getUsed());
                return (long) (free * 1000.0 / bytesPerSecond);
            }
        }
        return -1;
    }

    /**
     * Waits for a young collection when one is due within {@code maxMillis} at {@code bytesPerSecond}, else not at
     * all: the young generation only fills until then, so a heap walk is cheapest right after the collection, or now.
     * When the collection cannot be foreseen it waits up to {@code unknownMillis}.
     *
     * @return whether a collection happened
     */
    static boolean awaitIfDue(long bytesPerSecond, long maxMillis, long unknownMillis) throws InterruptedException {
        long since = count();
        long due = millisToNextCollection(bytesPerSecond);
        long wait = due < 0 ? unknownMillis : due <= maxMillis ? maxMillis : 0;
        return wait > 0 && awaitNext(since, 0, wait);
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
        // A notification only wakes the waiter up; the count decides. Notifications arrive late, on the JVM's
        // service thread: one for a collection already counted in since must not turn the wait into a spin.
        Thread waiter = Thread.currentThread();
        NotificationListener listener = (notification, handback) -> LockSupport.unpark(waiter);
        List<NotificationEmitter> emitters = new ArrayList<>();
        try {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(listener, null, null);
                    emitters.add(emitter);
                }
            }
            while (count() == since) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
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
