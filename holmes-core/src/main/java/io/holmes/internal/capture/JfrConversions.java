package io.holmes.internal.capture;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import one.convert.Arguments;
import one.convert.Filter;
import one.convert.JfrToFlame;
import one.convert.JfrToPprof;
import one.jfr.JfrReader;

/**
 * Turns a JFR file into the other two formats with async-profiler's own converter (shipped in ap-loader), which
 * reads both async-profiler's recordings and JDK Flight Recorder's.
 */
final class JfrConversions {

    /** Execution samples, written by async-profiler and by JFR alike. */
    static final Set<String> CPU_EVENTS = Set.of("jdk.ExecutionSample");

    /** async-profiler writes TLAB events; JFR's sampler writes {@code jdk.ObjectAllocationSample}. */
    static final Set<String> ALLOCATION_EVENTS =
            Set.of("jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB", "jdk.ObjectAllocationSample");

    private JfrConversions() {
    }

    /** Writes the CPU profile (samples) or allocation profile (bytes) in {@code jfr} as gzipped pprof. */
    static void pprof(Path jfr, boolean allocation, OutputStream out) throws IOException {
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            JfrToPprof converter = new JfrToPprof(reader, arguments(allocation, null));
            converter.convert();
            GZIPOutputStream gzip = new GZIPOutputStream(out, 8192);
            converter.dump(gzip);
            gzip.finish();
        }
    }

    /** Writes the CPU or allocation profile in {@code jfr} as a self-contained HTML flame graph. */
    static void flameGraph(Path jfr, boolean allocation, String title, OutputStream out) throws IOException {
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            JfrToFlame converter = new JfrToFlame(reader, arguments(allocation, title));
            converter.convert();
            converter.dump(out);
        }
    }

    /** Writes the view {@code converterArgs} select (for example {@code --lock --total}) as gzipped pprof. */
    static void pprof(Path jfr, List<String> converterArgs, OutputStream out) throws IOException {
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            JfrToPprof converter = new JfrToPprof(reader, new Arguments(converterArgs.toArray(new String[0]))) {
                @Override
                protected void collectEvents(Filter filter) throws IOException {
                    checkInterrupted();
                    super.collectEvents(filter);
                }
            };
            converter.convert();
            GZIPOutputStream gzip = new GZIPOutputStream(out, 8192);
            converter.dump(gzip);
            gzip.finish();
        }
    }

    /** Writes the view {@code converterArgs} select as an HTML flame graph titled {@code title}. */
    static void flameGraph(Path jfr, List<String> converterArgs, String title, OutputStream out) throws IOException {
        List<String> args = new ArrayList<>(converterArgs);
        args.add("--title");
        args.add(title);
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            JfrToFlame converter = new JfrToFlame(reader, new Arguments(args.toArray(new String[0]))) {
                @Override
                protected void collectEvents(Filter filter) throws IOException {
                    checkInterrupted();
                    super.collectEvents(filter);
                }
            };
            converter.convert();
            converter.dump(out);
        }
    }

    /**
     * Ends a conversion of the thread Holmes' stop interrupted, between two chunks: the converter reads a whole
     * recording into memory at once, so the interrupt would otherwise wait for the end of the parse.
     */
    static void checkInterrupted() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("Holmes is stopping");
        }
    }

    /** Counts the events of the given types in {@code jfr}. */
    static long count(Path jfr, Set<String> eventTypes) throws IOException {
        long samples = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (eventTypes.contains(event.getEventType().getName())) {
                    samples++;
                }
            }
        }
        return samples;
    }

    /**
     * Converter arguments. CPU profiles pass no event flag: the converter's default is execution samples, and
     * its {@code --cpu} filter drops JDK Flight Recorder's samples (they carry a different thread state).
     */
    private static Arguments arguments(boolean allocation, String title) {
        List<String> args = new ArrayList<>();
        if (allocation) {
            // Weighted by bytes, not by sample count: a reader wants the methods that allocate the most memory.
            args.add("--alloc");
            args.add("--total");
        }
        if (title != null) {
            args.add("--title");
            args.add(title);
        }
        return new Arguments(args.toArray(new String[0]));
    }
}
