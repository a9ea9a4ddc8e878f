package io.holmes.internal.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import one.jfr.ClassRef;
import one.jfr.JfrReader;
import one.jfr.MethodRef;
import one.jfr.StackTrace;
import one.jfr.event.AllocationSample;
import one.jfr.event.Event;
import one.jfr.event.ExecutionSample;
import one.jfr.event.LiveObject;

/**
 * What a capture's details need from its recording, read in one pass for every event the recording serves: the
 * CPU and allocation samples it holds and the live objects by allocation site. Reading the recording once instead
 * of once per view matters for the capture's cost: the JDK's own JFR parser is the slowest of the readers and its
 * code is compiled afresh by the JIT for the few passes a capture makes.
 *
 * <p>async-profiler's recordings are read with async-profiler's reader (the one its converter uses); JDK Flight
 * Recorder's with the JDK's, whose {@code jdk.OldObjectSample} events only it decodes.
 *
 * @param cpuSamples        execution samples ({@link JfrConversions#CPU_EVENTS})
 * @param allocationSamples allocation samples ({@link JfrConversions#ALLOCATION_EVENTS})
 * @param live              the sampled objects still reachable at the end, by class and allocating stack
 */
record RecordingSummary(long cpuSamples, long allocationSamples, LiveObjects live) {

    /**
     * Reads a recording written by async-profiler. Its reader types execution samples as {@link ExecutionSample}
     * and the three allocation events as {@link AllocationSample}; async-profiler writes no other event of either
     * type in a {@code cpu}/{@code itimer} + {@code alloc} session.
     *
     * @param intervalBytes the allocation sampling interval of the session, to scale live-object samples
     */
    static RecordingSummary ofAsyncProfiler(Path jfr, long intervalBytes) throws IOException {
        long cpu = 0;
        long allocation = 0;
        LiveObjects.Sites sites = new LiveObjects.Sites(intervalBytes);
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            for (Event event; (event = reader.readEvent()) != null; ) {
                if (event instanceof ExecutionSample) {
                    cpu++;
                } else if (event instanceof AllocationSample) {
                    allocation++;
                } else if (event instanceof LiveObject live) {
                    // Names resolved now: a later chunk may reuse the ids with other meanings.
                    sites.add(className(reader, live.classId), frames(reader, live.stackTraceId),
                            live.allocationSize, true);
                }
            }
        }
        return new RecordingSummary(cpu, allocation, sites.build());
    }

    /** Reads a recording written by JDK Flight Recorder. */
    static RecordingSummary ofFlightRecorder(Path jfr) throws IOException {
        long cpu = 0;
        long allocation = 0;
        LiveObjects.Sites sites = new LiveObjects.Sites(0);
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String name = event.getEventType().getName();
                if (JfrConversions.CPU_EVENTS.contains(name)) {
                    cpu++;
                } else if (JfrConversions.ALLOCATION_EVENTS.contains(name)) {
                    allocation++;
                } else {
                    sites.addIfLive(event);
                }
            }
        }
        return new RecordingSummary(cpu, allocation, sites.build());
    }

    /** The class as the JDK's reader names it: {@code java.lang.String}, {@code [B}; {@code null} when unknown. */
    private static String className(JfrReader reader, long classId) {
        ClassRef type = reader.classes.get(classId);
        if (type == null) {
            return null;
        }
        byte[] name = reader.symbols.get(type.name);
        return name == null ? null : new String(name, StandardCharsets.UTF_8).replace('/', '.');
    }

    /** Leaf first, each {@code Class.method}, as {@link LiveObjects} names frames. */
    private static List<String> frames(JfrReader reader, int stackTraceId) {
        StackTrace trace = reader.stackTraces.get(stackTraceId);
        if (trace == null) {
            return List.of();
        }
        List<String> frames = new ArrayList<>(trace.methods.length);
        for (long methodId : trace.methods) {
            MethodRef method = reader.methods.get(methodId);
            if (method == null) {
                frames.add("[unknown].[unknown]");
                continue;
            }
            String type = className(reader, method.cls);
            byte[] name = reader.symbols.get(method.name);
            frames.add((type == null ? "" : type) + "." + (name == null ? "" : new String(name, StandardCharsets.UTF_8)));
        }
        return frames;
    }
}
