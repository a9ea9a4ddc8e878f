package io.holmes.internal.capture;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Encodes Flight Recorder's {@code jdk.OldObjectSample} events ({@link OldObjectSamples}: sampled objects still alive, with the stack that
 * allocated them) as a pprof profile: one sample per object, its stack the allocation stack with the object's class
 * as the leaf frame (as async-profiler draws allocations), valued {@code objects/count} and, where the JVM records
 * object sizes (JDK 20 and later), {@code space/bytes}. async-profiler's converter does not read these events, so
 * Holmes writes the profile itself ({@link PprofWriter}).
 */
final class LiveObjectsProfile {

    private LiveObjectsProfile() {
    }

    /** The profile's protobuf bytes (not compressed) for {@code samples}, taken at {@code time}. */
    static byte[] encode(List<OldObjectSamples.Sample> samples, Instant time) {
        boolean sizes = !samples.isEmpty() && samples.get(0).bytes() != null;
        PprofWriter pprof = new PprofWriter().sampleType("objects", "count");
        if (sizes) {
            pprof.sampleType("space", "bytes");
        }
        for (OldObjectSamples.Sample object : samples) {
            PprofWriter.Sample sample = pprof.sample().frame(object.className(), "", 0);
            for (OldObjectSamples.Frame frame : object.frames()) { // leaf first, as pprof expects
                sample.frame(frame.method(), "", frame.line());
            }
            sample.value(1L);
            if (sizes) {
                sample.value(Math.max(object.bytes() == null ? 0L : object.bytes(), 0L));
            }
            if (object.ageNanos() != null) {
                sample.label("age", Duration.ofNanos(object.ageNanos()).toMillis(), "milliseconds");
            }
        }
        return pprof.encode(time, "objects/count", 1L,
                "Holmes look-back: sampled objects alive at the trigger, by allocation site",
                sizes ? "space" : "objects");
    }
}
