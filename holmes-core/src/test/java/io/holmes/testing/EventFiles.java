package io.holmes.testing;

import io.holmes.DumpEvent;
import java.nio.file.Path;

/** Finds an event's files by their ending. */
public final class EventFiles {

    private EventFiles() {
    }

    /**
     * The event's file ending with {@code suffix}: of the forward capture, unless the suffix asks for the look-back
     * window ({@code .before.…}), whose files an event carries too once the look-back recording runs (it starts in
     * the background, so whether a test's event has them depends on timing unless the test turns look-back off).
     */
    public static Path file(DumpEvent event, String suffix) {
        boolean before = suffix.contains(".before.");
        return event.files().stream()
                .filter(p -> p.toString().endsWith(suffix) && p.toString().contains(".before.") == before)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no file ending with " + suffix + " in " + event.files()));
    }
}
