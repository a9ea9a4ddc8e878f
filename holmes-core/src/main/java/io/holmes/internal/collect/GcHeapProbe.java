package io.holmes.internal.collect;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.holmes.DumpType;
import io.holmes.Probe;
import io.holmes.Rule;
import io.holmes.Trigger;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The {@code gc-heap} reading: heap bytes in use right after the latest collection, in percent of memoryLimit. A
 * generational heap's used bytes are a sawtooth that says little; what survives a collection is what the
 * application holds, and it climbs under a leak. The value comes from the collectors' own notifications (the sum of
 * every heap pool's usage after the collection), delivered on the JVM's notification thread; the reading only
 * takes the latest value, so it costs nothing and never forces a collection. Until the first collection of the run
 * it falls back on the heap pools' collection usage, and skips the reading when no collection ever happened.
 *
 * <p>Notifications of G1's concurrent cycle ({@code G1 Concurrent GC}) and of ZGC's and Shenandoah's pause beans
 * ({@code ... Pauses}) are ignored: they report the heap in the middle of the application's allocation, not after a
 * collection of it.
 */
public final class GcHeapProbe implements Probe, ProbeLifecycle {

    /**
     * The {@code gc-heap} trigger ({@code Holmes.Builder.gcHeapDump}): what survives collections is what a heap
     * capture should explain, so it captures MEM. Default rule 50/20/80 %, 5 minutes.
     */
    public static final BuiltInTriggers.Spec TRIGGER = new BuiltInTriggers.Spec(Trigger.GC_HEAP, "gcHeapDump",
            EnumSet.of(DumpType.MEM), Rule.of(50, 20, 80, 0, Duration.ofMinutes(5)),
            c -> new GcHeapProbe(c.memoryLimit()));

    private final long memoryLimit;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;
    private volatile long afterGcBytes = -1;
    private volatile Set<String> heapPools = Set.of();
    private volatile Throwable failure;
    private volatile Throwable notificationFailure;

    public GcHeapProbe(long memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    @Override
    public synchronized void open() {
        close();
        failure = null;
        notificationFailure = null;
        heapPools = heapPools();
        afterGcBytes = collectionUsage();
        try {
            for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (bean instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(listener, null, null);
                    emitters.add(emitter);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            failure = e;
        }
    }

    @Override
    public synchronized void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException | RuntimeException ignored) {
                // already gone
            }
        }
        emitters.clear();
    }

    @Override
    public long read() {
        Throwable broken = failure;
        if (broken != null) {
            throw new IllegalStateException("the collectors' notifications are not available: " + broken, broken);
        }
        Throwable lost = notificationFailure;
        if (lost != null) {
            notificationFailure = null;
            throw new IllegalStateException("a collector's notification could not be read: " + lost, lost);
        }
        long bytes = afterGcBytes;
        return bytes < 0 ? ProcessProbe.NO_READING : JvmProcessProbe.percentOf(bytes, memoryLimit);
    }

    /** Heap bytes after the collection of the latest counted notification, -1 before the first. */
    public long afterGcBytes() {
        return afterGcBytes;
    }

    /** Whether a notification of the collector named {@code gcName} reports the heap right after a collection. */
    static boolean reportsHeapAfterCollection(String gcName) {
        return !gcName.equals("G1 Concurrent GC") && !gcName.endsWith(" Pauses");
    }

    private void onNotification(Notification notification, Object handback) {
        try {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            if (!reportsHeapAfterCollection(info.getGcName())) {
                return;
            }
            Set<String> heapPools = this.heapPools;
            long sum = 0;
            for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(pool.getKey())) {
                    sum += pool.getValue().getUsed();
                }
            }
            afterGcBytes = sum;
        } catch (Throwable e) {
            // A broken notification must never hurt the JVM's notification thread: the next reading reports it.
            notificationFailure = e;
        }
    }

    private static Set<String> heapPools() {
        Set<String> names = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                names.add(pool.getName());
            }
        }
        return names;
    }

    /** The heap pools' usage after their latest collection, -1 when no collector ran yet. */
    private static long collectionUsage() {
        boolean collected = false;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            collected |= bean.getCollectionCount() > 0;
        }
        if (!collected) {
            return -1;
        }
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage usage = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (usage != null) {
                sum += usage.getUsed();
            }
        }
        return sum;
    }
}
