package io.holmes.internal.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import one.convert.Arguments;
import one.convert.CallStack;
import one.convert.FlameGraph;
import one.convert.Frame;

/**
 * Sampled objects still reachable when a MEM capture ended, by the stack that allocated them: what holds the
 * heap, as Go's in-use heap profile shows it. async-profiler's {@code live} option writes one
 * {@code profiler.LiveObject} event per sampled object that survived to the end of the session (with its size);
 * JDK Flight Recorder's fallback writes {@code jdk.OldObjectSample} events for the sampled objects still alive
 * when the recording stops (without sizes). Both become a pprof profile with {@code inuse_objects/count} and
 * {@code inuse_space/bytes} (zero without sizes) whose leaf frame is the object's class, and a flame graph.
 *
 * <p>With sizes, the values are estimates of what was live, not sums of the samples: an object of {@code s} bytes
 * is sampled with probability {@code 1 - exp(-s / interval)}, so each sample stands for {@code 1 / (1 - exp(-s /
 * interval))} such objects, the correction Go's own heap profile applies ({@code scaleHeapSample} in
 * {@code src/runtime/pprof/protomem.go}). Without it one sampled 3 MB array would outweigh a million live 64-byte
 * objects of which a hundred were sampled.
 */
final class LiveObjects {

    /** async-profiler's event for a sampled object still live at the end of the session. */
    static final String ASYNC_EVENT = "profiler.LiveObject";
    /** JDK Flight Recorder's event for a sampled object still live when the recording ends. */
    static final String JFR_EVENT = "jdk.OldObjectSample";

    /**
     * Objects of one class allocated at one stack.
     *
     * @param samples how many sampled objects were still live
     * @param objects how many live objects they stand for (the samples themselves without sizes)
     * @param bytes   how many live bytes they stand for (0 without sizes)
     */
    record Site(List<String> stack, String type, long samples, long objects, long bytes) {
    }

    private final List<Site> sites;
    private final boolean sized;

    private LiveObjects(List<Site> sites, boolean sized) {
        this.sites = sites;
        this.sized = sized;
    }

    /**
     * Reads the live-object events of either engine from {@code jfr}, grouped by stack and class.
     *
     * @param intervalBytes the allocation sampling interval of the session, to scale sized samples
     */
    static LiveObjects read(Path jfr, long intervalBytes) throws IOException {
        Sites sites = new Sites(intervalBytes);
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                sites.addIfLive(file.readEvent());
            }
        }
        return sites.build();
    }

    /** Live-object samples grouped by class and stack as they are read, one event at a time. */
    static final class Sites {
        private final long intervalBytes;
        private final Map<List<String>, double[]> grouped = new LinkedHashMap<>();
        private boolean sized;

        Sites(long intervalBytes) {
            this.intervalBytes = intervalBytes;
        }

        /** Adds {@code event} when it is a live-object event of either engine; returns whether it was one. */
        boolean addIfLive(RecordedEvent event) {
            String name = event.getEventType().getName();
            if (name.equals(ASYNC_EVENT)) {
                RecordedClass type = event.getClass("objectClass");
                add(type == null ? null : type.getName(), frames(event.getStackTrace()), event.getLong("allocationSize"),
                        true);
            } else if (name.equals(JFR_EVENT)) {
                RecordedObject object = event.getValue("object");
                RecordedClass type = object == null ? null : object.getValue("type");
                add(type == null ? null : type.getName(), frames(event.getStackTrace()), 0, false);
            } else {
                return false;
            }
            return true;
        }

        /**
         * Adds one sampled object.
         *
         * @param type   its class, {@code null} when unknown
         * @param frames the allocating stack, leaf first, each {@code Class.method}
         * @param bytes  its size, 0 when the engine does not report sizes
         * @param sized  whether the engine reports sizes
         */
        void add(String type, List<String> frames, long bytes, boolean sized) {
            this.sized |= sized;
            List<String> key = new ArrayList<>(frames.size() + 1);
            key.add(type == null ? "[unknown class]" : type);
            key.addAll(frames);
            double[] totals = grouped.computeIfAbsent(key, k -> new double[3]);
            double weight = bytes > 0 && intervalBytes > 0 ? 1 / -Math.expm1(-(double) bytes / intervalBytes) : 1;
            totals[0]++;
            totals[1] += weight;
            totals[2] += weight * bytes;
        }

        LiveObjects build() {
            List<Site> sites = new ArrayList<>(grouped.size());
            grouped.forEach((key, totals) -> sites.add(new Site(List.copyOf(key.subList(1, key.size())), key.get(0),
                    (long) totals[0], Math.round(totals[1]), Math.round(totals[2]))));
            return new LiveObjects(sites, sized);
        }
    }

    private static List<String> frames(RecordedStackTrace trace) {
        if (trace == null) {
            return List.of();
        }
        List<String> frames = new ArrayList<>(trace.getFrames().size());
        for (RecordedFrame frame : trace.getFrames()) { // leaf first
            frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
        }
        return frames;
    }

    List<Site> sites() {
        return sites;
    }

    long samples() {
        return sites.stream().mapToLong(Site::samples).sum();
    }

    long objects() {
        return sites.stream().mapToLong(Site::objects).sum();
    }

    long bytes() {
        return sites.stream().mapToLong(Site::bytes).sum();
    }

    /** Whether the engine reported object sizes (async-profiler does, JDK Flight Recorder does not). */
    boolean sized() {
        return sized;
    }

    /** Writes the gzipped pprof profile: objects and bytes by allocation stack, the class as the leaf frame. */
    void writePprof(String comment, OutputStream out) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, 8192);
        PprofWriter pprof = new PprofWriter().sampleType("inuse_objects", "count").sampleType("inuse_space", "bytes");
        for (Site site : sites) {
            PprofWriter.Sample sample = pprof.sample().frame(site.type(), "", 0);
            for (String frame : site.stack()) {
                sample.frame(frame, "", 0);
            }
            sample.value(site.objects()).value(site.bytes());
        }
        gzip.write(pprof.encode(null, null, 0, comment, sized ? "inuse_space" : "inuse_objects"));
        gzip.finish();
    }

    /** Writes the flame graph, weighted by bytes when the engine reported sizes, by objects otherwise. */
    void writeFlameGraph(String title, OutputStream out) throws IOException {
        FlameGraph graph = new FlameGraph(new Arguments("--title", title));
        for (Site site : sites) {
            CallStack stack = new CallStack();
            for (int i = site.stack().size() - 1; i >= 0; i--) { // root first
                stack.push(site.stack().get(i), Frame.TYPE_JIT_COMPILED);
            }
            stack.push(site.type(), Frame.TYPE_INLINED);
            graph.addSample(stack, sized ? site.bytes() : site.objects());
        }
        graph.dump(out);
    }
}
