package io.holmes.testing;

import io.holmes.DumpEvent;
import io.holmes.ProfileReporter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event it is given, in order. */
public final class RecordingReporter implements ProfileReporter {

    private final List<DumpEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void report(DumpEvent event) {
        events.add(event);
    }

    public List<DumpEvent> events() {
        return List.copyOf(events);
    }
}
