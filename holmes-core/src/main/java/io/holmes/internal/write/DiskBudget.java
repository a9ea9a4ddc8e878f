package io.holmes.internal.write;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which stored events to delete so that at most {@code maxEvents} events and {@code maxBytes} bytes remain,
 * oldest first. The newest event is always kept, even alone over the byte limit: deleting the capture that
 * was just taken would leave the operator nothing to read.
 */
public final class DiskBudget {

    /** Room a heap dump must leave free on the file system beyond its own estimated size. */
    static final long HEAP_DUMP_HEADROOM = 64L * 1024 * 1024;

    private final int maxEvents;
    private final long maxBytes;

    public DiskBudget(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    public int maxEvents() {
        return maxEvents;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The events to delete, oldest first. {@code stored} may be in any order. */
    public List<StoredEvent> evictions(List<StoredEvent> stored) {
        return evictions(stored, e -> false, 0);
    }

    /**
     * The events to delete, oldest first, never a {@code pinned} one (being written, or just written) and never the
     * newest. {@code otherBytes} (files in progress) count against the byte limit but cannot be evicted.
     */
    public List<StoredEvent> evictions(List<StoredEvent> stored, Predicate<StoredEvent> pinned, long otherBytes) {
        List<StoredEvent> byAge = new ArrayList<>(stored);
        byAge.sort(Comparator.comparing(StoredEvent::stamp).thenComparing(StoredEvent::type));
        long bytes = otherBytes;
        for (StoredEvent event : byAge) {
            bytes += event.bytes();
        }
        int count = byAge.size();
        List<StoredEvent> evict = new ArrayList<>();
        for (int i = 0; i < byAge.size() - 1 && (count > maxEvents || bytes > maxBytes); i++) {
            StoredEvent oldest = byAge.get(i);
            if (pinned.test(oldest)) {
                continue;
            }
            evict.add(oldest);
            count--;
            bytes -= oldest.bytes();
        }
        return evict;
    }

    /**
     * Why a heap dump of about {@code heapBytes} must be skipped, or empty when it may be written: it must fit the
     * byte budget on its own, and leave {@link #HEAP_DUMP_HEADROOM} plus a tenth of its size free on the file
     * system ({@code usableBytes}), so that it can never fill the disk the application writes to.
     */
    static Optional<String> heapDumpRefusal(long heapBytes, long usableBytes, long maxBytes) {
        if (heapBytes > maxBytes) {
            return Optional.of("a heap dump of about " + mib(heapBytes) + " would not fit the disk budget of "
                    + mib(maxBytes) + " (dumpBudget.maxBytes)");
        }
        long needed = heapBytes + heapBytes / 10 + HEAP_DUMP_HEADROOM;
        if (usableBytes < needed) {
            return Optional.of("a heap dump of about " + mib(heapBytes) + " needs " + mib(needed)
                    + " free, but the dump path's file system has " + mib(usableBytes));
        }
        return Optional.empty();
    }

    private static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }
}
