package io.holmes.write;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which stored events to delete so that at most {@code maxEvents} events and {@code maxBytes} bytes remain,
 * oldest first. The newest event is always kept, even alone over the byte limit: deleting the capture that
 * was just taken would leave the operator nothing to read.
 */
public final class DiskBudget {

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
        List<StoredEvent> byAge = new ArrayList<>(stored);
        byAge.sort(Comparator.comparing(StoredEvent::stamp).thenComparing(StoredEvent::type));
        long bytes = 0;
        for (StoredEvent event : byAge) {
            bytes += event.bytes();
        }
        int count = byAge.size();
        List<StoredEvent> evict = new ArrayList<>();
        for (int i = 0; i < byAge.size() - 1 && (count > maxEvents || bytes > maxBytes); i++) {
            StoredEvent oldest = byAge.get(i);
            evict.add(oldest);
            count--;
            bytes -= oldest.bytes();
        }
        return evict;
    }
}
