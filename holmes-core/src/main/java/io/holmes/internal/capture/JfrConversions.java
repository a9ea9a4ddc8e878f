package io.holmes.internal.capture;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
import one.jfr.Dictionary;
import one.jfr.JfrReader;
import one.jfr.event.EventAggregator;
import one.jfr.event.EventCollector;

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

    /**
     * The converter arguments of an allocation profile: weighted by bytes, not by sample count, since a reader wants
     * the methods that allocate the most memory.
     */
    static final List<String> ALLOCATION_VIEW = List.of("--alloc", "--total");

    private JfrConversions() {
    }

    /** Writes the CPU or allocation profile in {@code jfr} as a self-contained HTML flame graph. */
    static void flameGraph(Path jfr, boolean allocation, String title, OutputStream out) throws IOException {
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            JfrToFlame converter = new JfrToFlame(reader, arguments(allocation, title));
            converter.convert();
            converter.dump(out);
        }
    }

    /**
     * One view of a recording (the events {@code converterArgs} select), parsed once and held in memory as both a
     * pprof profile and a flame graph. The converter parses a whole recording for each output, and for a look-back
     * window most of that work is the chunks' metadata and constant pools, the same for both; here the pprof
     * converter reads each chunk and hands the flame graph the chunk's aggregated events.
     */
    static final class View {
        private final JfrToPprof pprof;
        private final FlameFeed flame;

        private View(JfrToPprof pprof, FlameFeed flame) {
            this.pprof = pprof;
            this.flame = flame;
        }

        /** Writes the view as gzipped pprof, as the converter's {@code JfrToPprof} does. */
        void writePprof(OutputStream out) throws IOException {
            GZIPOutputStream gzip = new GZIPOutputStream(out, 8192);
            pprof.dump(gzip);
            gzip.finish();
        }

        /** Writes the view as an HTML flame graph, as the converter's {@code JfrToFlame} does. */
        void writeFlameGraph(OutputStream out) throws IOException {
            flame.dump(out);
        }
    }

    /** Parses the view {@code converterArgs} select once, for a pprof profile and a flame graph titled {@code title}. */
    static View view(Path jfr, List<String> converterArgs, String title) throws IOException {
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            return view(reader, converterArgs, title);
        }
    }

    /** {@link #view(Path, List, String)} of a recording held in memory, which this reads and leaves unchanged. */
    static View view(ByteBuffer recording, List<String> converterArgs, String title) throws IOException {
        try (JfrReader reader = new JfrReader(recording.duplicate())) {
            return view(reader, converterArgs, title);
        }
    }

    private static View view(JfrReader reader, List<String> converterArgs, String title) throws IOException {
        List<String> flameArgs = new ArrayList<>(converterArgs);
        flameArgs.add("--title");
        flameArgs.add(title);
        FlameFeed flame = new FlameFeed(reader, new Arguments(flameArgs.toArray(new String[0])));
        JfrToPprof pprof = new JfrToPprof(reader, new Arguments(converterArgs.toArray(new String[0]))) {
            @Override
            protected void collectEvents(Filter filter) throws IOException {
                checkInterrupted();
                super.collectEvents(filter);
            }

            @Override
            protected void convertChunk() {
                super.convertChunk();
                flame.take(collector);
            }
        };
        pprof.convert();
        return new View(pprof, flame);
    }

    /** A flame graph converter fed chunk by chunk with the events another converter read and aggregated. */
    private static final class FlameFeed extends JfrToFlame {

        FlameFeed(JfrReader reader, Arguments args) {
            super(reader, args);
        }

        @Override
        protected EventCollector createCollector(Arguments args) {
            return new EventAggregator(args.threads, args.grain); // what the converter makes for these arguments
        }

        /** Adds the current chunk's events, aggregated by {@code chunk}, as the converter adds a chunk it read. */
        void take(EventCollector chunk) {
            methodNames = new Dictionary<>(); // ids are the chunk's own
            EventAggregator events = (EventAggregator) collector;
            events.beforeChunk();
            chunk.forEach(events::collect);
            events.afterChunk();
            convertChunk();
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
            args.addAll(ALLOCATION_VIEW);
        }
        if (title != null) {
            args.add("--title");
            args.add(title);
        }
        return new Arguments(args.toArray(new String[0]));
    }
}
