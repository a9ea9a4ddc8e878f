package io.holmes.spring;

import io.holmes.DumpEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest events Holmes captured, newest first, for the Actuator endpoint. A reporter with a fixed memory; an
 * observer, so it counts no delivery.
 */
public class RecentEvents implements EventObserver {

    private final int capacity;
    private final ArrayDeque<DumpEvent> events;

    /**
     * An empty store.
     *
     * @param capacity how many events to keep, at least 1; the oldest is forgotten when a new one arrives
     */
    public RecentEvents(int capacity) {
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    @Override
    public synchronized void report(DumpEvent event) {
        if (events.size() == capacity) {
            events.removeLast();
        }
        events.addFirst(event);
    }

    /**
     * The events kept, newest first. Thread-safe.
     *
     * @return a copy, which later events do not change
     */
    public synchronized List<DumpEvent> list() {
        return new ArrayList<>(events);
    }
}
