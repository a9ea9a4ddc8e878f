package io.holmes;

import java.lang.management.ManagementFactory;

/** What Holmes' collect tick allocates, measured with the JVM's own per-thread allocation counter. */
final class TickAllocation {

    private TickAllocation() {
    }

    /** Bytes allocated per tick over {@code ticks} ticks run on the caller's thread (warm the tick up first). */
    static long bytesPerTick(Holmes holmes, int ticks) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < ticks; i++) {
            holmes.tick(holmes.currentRun());
        }
        return (threads.getThreadAllocatedBytes(id) - before) / ticks;
    }
}
