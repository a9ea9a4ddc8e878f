package io.holmes.testing;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Counts the collections of this JVM as its collectors announce them, and makes the application's own garbage
 * until one more has happened. The JVM calls the listeners of one collector in the order they were added, so once
 * a watcher added after Holmes started has seen a collection, Holmes has seen it too.
 */
public final class GcWatcher implements AutoCloseable {

    private static volatile Object sink;

    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong afterGcBytes = new AtomicLong(-1);
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;
    private final Set<String> heapPools = new HashSet<>();

    public GcWatcher() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            NotificationEmitter emitter = (NotificationEmitter) bean;
            emitter.addNotificationListener(listener, null, null);
            emitters.add(emitter);
        }
    }

    private void onNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        String name = info.getGcName();
        if (name.equals("G1 Concurrent GC") || name.endsWith(" Pauses")) {
            return;
        }
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                sum += pool.getValue().getUsed();
            }
        }
        afterGcBytes.set(sum);
        collections.incrementAndGet();
    }

    /** Collections announced since this watcher was made. */
    public long collections() {
        return collections.get();
    }

    /** Heap bytes in use after the latest announced collection, -1 before the first. */
    public long afterGcBytes() {
        return afterGcBytes.get();
    }

    /**
     * Allocates short-lived garbage (a sawtooth: it is dead by the next collection) until one more collection has
     * been announced; gives up after {@code maxBytes} of garbage.
     */
    public void garbageUntilNextCollection(long maxBytes) {
        long seen = collections.get();
        long made = 0;
        while (collections.get() == seen) {
            if (made > maxBytes) {
                throw new AssertionError("no collection after " + made + " bytes of garbage");
            }
            sink = new byte[64 * 1024];
            made += 64 * 1024;
            if ((made & ((1 << 24) - 1)) == 0) {
                Thread.yield(); // let the notification thread deliver
            }
        }
        sink = null;
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // gone
            }
        }
    }
}
