package io.holmes.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
import one.proto.Proto;

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
        Map<List<String>, double[]> grouped = new LinkedHashMap<>();
        boolean sized = false;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String name = event.getEventType().getName();
                long bytes;
                RecordedClass type;
                if (name.equals(ASYNC_EVENT)) {
                    type = event.getClass("objectClass");
                    bytes = event.getLong("allocationSize");
                    sized = true;
                } else if (name.equals(JFR_EVENT)) {
                    RecordedObject object = event.getValue("object");
                    type = object == null ? null : object.getValue("type");
                    bytes = 0;
                } else {
                    continue;
                }
                List<String> key = new ArrayList<>();
                key.add(type == null ? "[unknown class]" : type.getName());
                key.addAll(frames(event.getStackTrace()));
                double[] totals = grouped.computeIfAbsent(key, k -> new double[3]);
                double weight = bytes > 0 && intervalBytes > 0 ? 1 / -Math.expm1(-(double) bytes / intervalBytes) : 1;
                totals[0]++;
                totals[1] += weight;
                totals[2] += weight * bytes;
            }
        }
        List<Site> sites = new ArrayList<>(grouped.size());
        grouped.forEach((key, totals) -> sites.add(new Site(List.copyOf(key.subList(1, key.size())), key.get(0),
                (long) totals[0], Math.round(totals[1]), Math.round(totals[2]))));
        return new LiveObjects(sites, sized);
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
        gzip.write(new Encoder().encode(this, comment));
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

    /** The protobuf of {@code perftools.profiles.Profile}, written with async-profiler's encoder. */
    private static final class Encoder {
        private static final int PROFILE_SAMPLE_TYPE = 1;
        private static final int PROFILE_SAMPLE = 2;
        private static final int PROFILE_LOCATION = 4;
        private static final int PROFILE_FUNCTION = 5;
        private static final int PROFILE_STRING_TABLE = 6;
        private static final int PROFILE_COMMENT = 13;
        private static final int PROFILE_DEFAULT_SAMPLE_TYPE = 14;

        private final Map<String, Integer> strings = new HashMap<>();
        private final List<String> table = new ArrayList<>();
        private final Map<String, Long> locations = new HashMap<>();
        private final List<Proto> functionProtos = new ArrayList<>();
        private final List<Proto> locationProtos = new ArrayList<>();

        byte[] encode(LiveObjects live, String comment) {
            string("");
            Proto profile = new Proto(64 * 1024);
            profile.field(PROFILE_SAMPLE_TYPE, valueType("inuse_objects", "count"));
            profile.field(PROFILE_SAMPLE_TYPE, valueType("inuse_space", "bytes"));
            for (Site site : live.sites) {
                Proto sample = new Proto(128);
                sample.field(1, location(site.type()));
                for (String frame : site.stack()) {
                    sample.field(1, location(frame));
                }
                sample.field(2, site.objects());
                sample.field(2, site.bytes());
                profile.field(PROFILE_SAMPLE, sample);
            }
            locationProtos.forEach(l -> profile.field(PROFILE_LOCATION, l));
            functionProtos.forEach(f -> profile.field(PROFILE_FUNCTION, f));
            profile.field(PROFILE_COMMENT, string(comment));
            profile.field(PROFILE_DEFAULT_SAMPLE_TYPE, (long) string(live.sized ? "inuse_space" : "inuse_objects"));
            table.forEach(s -> profile.field(PROFILE_STRING_TABLE, s));
            byte[] bytes = new byte[profile.size()];
            System.arraycopy(profile.buffer(), 0, bytes, 0, bytes.length);
            return bytes;
        }

        private Proto valueType(String type, String unit) {
            return new Proto(8).field(1, string(type)).field(2, string(unit));
        }

        /** One location per function name, its id equal to its function's id. */
        private long location(String name) {
            Long id = locations.get(name);
            if (id == null) {
                id = locations.size() + 1L;
                locations.put(name, id);
                int nameIndex = string(name);
                functionProtos.add(new Proto(16).field(1, id).field(2, nameIndex).field(3, nameIndex));
                locationProtos.add(new Proto(16).field(1, id).field(4, new Proto(8).field(1, id)));
            }
            return id;
        }

        private int string(String s) {
            Integer index = strings.get(s);
            if (index == null) {
                index = table.size();
                strings.put(s, index);
                table.add(s);
            }
            return index;
        }
    }
}
