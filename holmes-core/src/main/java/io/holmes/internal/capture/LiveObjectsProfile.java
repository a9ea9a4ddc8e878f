package io.holmes.internal.capture;

import java.time.Instant;
import java.util.List;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;

/**
 * Encodes Flight Recorder's {@code jdk.OldObjectSample} events (sampled objects still alive, with the stack that
 * allocated them) as a pprof profile: one sample per object, its stack the allocation stack with the object's class
 * as the leaf frame (as async-profiler draws allocations), valued {@code objects/count} and, where the JVM records
 * object sizes (JDK 20 and later), {@code space/bytes}. async-profiler's converter does not read these events, so
 * Holmes writes the profile itself ({@link PprofWriter}).
 */
final class LiveObjectsProfile {

    static final String OLD_OBJECT_SAMPLE = "jdk.OldObjectSample";

    private LiveObjectsProfile() {
    }

    /** The profile's protobuf bytes (not compressed) for {@code samples}, taken at {@code time}. */
    static byte[] encode(List<RecordedEvent> samples, Instant time) {
        boolean sizes = !samples.isEmpty() && samples.get(0).hasField("objectSize");
        PprofWriter pprof = new PprofWriter().sampleType("objects", "count");
        if (sizes) {
            pprof.sampleType("space", "bytes");
        }
        for (RecordedEvent event : samples) {
            PprofWriter.Sample sample = pprof.sample().frame(className(event), "", 0);
            if (event.getStackTrace() != null) {
                for (RecordedFrame frame : event.getStackTrace().getFrames()) { // leaf first, as pprof expects
                    sample.frame(frame.getMethod().getType().getName() + "." + frame.getMethod().getName(), "",
                            frame.getLineNumber());
                }
            }
            sample.value(1L);
            if (sizes) {
                sample.value(Math.max(event.getLong("objectSize"), 0L));
            }
            if (event.hasField("objectAge")) {
                sample.label("age", event.getDuration("objectAge").toMillis(), "milliseconds");
            }
        }
        return pprof.encode(time, "objects/count", 1L,
                "Holmes look-back: sampled objects alive at the trigger, by allocation site",
                sizes ? "space" : "objects");
    }

    private static String className(RecordedEvent event) {
        RecordedObject object = event.hasField("object") ? event.getValue("object") : null;
        if (object != null && object.hasField("type")) {
            RecordedClass type = object.getClass("type");
            if (type != null) {
                return type.getName();
            }
        }
        return "[unknown class]";
    }
}
