package io.holmes.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Reads a JFR file with the JDK's own parser: the stacks of the events of the given types. */
public final class Jfr {

    private Jfr() {
    }

    /** One list of {@code Class.method} names per event, innermost frame first. */
    public static List<List<String>> stacks(Path file, Set<String> eventTypes) throws IOException {
        List<List<String>> stacks = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!eventTypes.contains(event.getEventType().getName()) || event.getStackTrace() == null) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
            stacks.add(frames);
        }
        return stacks;
    }
}
