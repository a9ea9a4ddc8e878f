package io.holmes.internal.capture;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.internal.OnceLogger;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the window that ends at an event's trigger, from the {@link LookBackRecorder}, beside the event's forward
 * capture: {@code <type>.<stamp>.before.jfr} (what the recording held), and the view that matches the type as
 * {@code .before.pb.gz} and {@code .before.html}, made by async-profiler's converter and cut to the window: CPU
 * samples for {@code cpu}, allocated bytes by stack for {@code mem} (plus {@code .before.live.pb.gz}, sampled objects
 * alive at the trigger by allocation site), time blocked or parked by stack for {@code thread}. The event gets the
 * window actually covered and its sample counts. Runs on the capture thread before the forward capture, so the dump
 * follows the trigger closely; a failure costs the event its look-back files, never the event.
 */
public final class LookBackCapture {

    private static final Logger LOG = LoggerFactory.getLogger(LookBackCapture.class);

    /** No look-back: events say so in their details. */
    public static final LookBackCapture OFF = new LookBackCapture(null);

    /** Event types counted in the JSON: the evidence the recorder keeps. */
    static final List<String> COUNTED = List.of("jdk.ExecutionSample", "jdk.ObjectAllocationSample",
            "jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.GarbageCollection", OldObjectSamples.EVENT);

    /** The event detail of a window that Holmes' stop cut short. */
    static final String STOPPED = "aborted: Holmes stopped";

    /** The capture thread's CPU time, for the DEBUG line that tells where a window's time went. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final LookBackRecorder recorder;
    private final OnceLogger warnings = new OnceLogger(LOG);

    private LookBackCapture(LookBackRecorder recorder) {
        this.recorder = recorder;
    }

    public static LookBackCapture of(LookBackRecorder recorder) {
        return new LookBackCapture(recorder);
    }

    /** What the before-profile of {@code type} shows. */
    static String view(DumpType type) {
        return switch (type) {
            case CPU -> "cpu samples";
            case MEM -> "allocated bytes by stack";
            case THREAD -> "time blocked or parked by stack";
        };
    }

    /** Converter arguments for the view of {@code type}, cut to {@code [from, to]} (epoch milliseconds). */
    static List<String> converterArgs(DumpType type, Instant from, Instant to) {
        List<String> args = new ArrayList<>();
        switch (type) {
            case MEM -> args.addAll(List.of("--alloc", "--total"));
            case THREAD -> args.addAll(List.of("--lock", "--total"));
            default -> {
                // execution samples are the converter's default
            }
        }
        args.addAll(List.of("--from", Long.toString(from.toEpochMilli()), "--to", Long.toString(to.toEpochMilli())));
        return args;
    }

    /** Writes the before-files of every capture of a group (one dump serves them all). Never throws. */
    public void write(List<Capture> captures) {
        if (recorder == null) {
            captures.forEach(c -> c.event().detail("lookBack", "off"));
            return;
        }
        if (!recorder.isRecording()) {
            captures.forEach(c -> c.event().detail("lookBack", recorder.status()));
            return;
        }
        Path leadJfr = null;
        EventTimes times = null; // read once from the lead dump: the group's copies are the same bytes
        ByteBuffer recording = null; // the same, as the views' converter reads it
        Instant since = null;
        Instant earliest = null; // one dump serves the group: it reaches back to the earliest window's start
        boolean liveObjects = false; // and takes the sampled live objects when a MEM view needs them
        for (Capture capture : captures) {
            Instant from = capture.request().triggered().minus(recorder.lookBack());
            earliest = earliest == null || from.isBefore(earliest) ? from : earliest;
            liveObjects |= capture.request().type() == DumpType.MEM;
        }
        for (Capture capture : captures) {
            if (stopping(capture)) {
                // The stop interrupts this thread and removes the scratch directory: what is left is aborted.
                capture.event().detail("lookBack", STOPPED);
                continue;
            }
            List<Path> before = capture.files().files();
            try {
                Path jfr;
                long began = System.nanoTime();
                long cpuBegan = CPU.getCurrentThreadCpuTime();
                if (leadJfr == null) {
                    Path scratch = capture.files().scratch("before.jfr");
                    since = recorder.dump(scratch, earliest, liveObjects);
                    jfr = capture.files().adopt(scratch, "before.jfr");
                    leadJfr = jfr;
                } else {
                    jfr = capture.files().copy(leadJfr, "before.jfr");
                }
                if (times == null) {
                    byte[] bytes = Files.readAllBytes(jfr);
                    String name = jfr.getFileName().toString();
                    times = EventTimes.read(bytes, name, Set.copyOf(COUNTED));
                    recording = forViews(bytes, name);
                }
                long dumped = System.nanoTime();
                writeViews(capture, jfr, recording, times, since, began, cpuBegan, dumped);
                warnings.clear("failed");
            } catch (Exception | LinkageError e) {
                boolean stopping = stopping(capture);
                if (stopping) {
                    LOG.debug("Holmes dropped the look-back window of a {} event because it is stopping: {}",
                            capture.request().type(), e.toString());
                } else {
                    warnings.warn("failed", "Holmes could not write the look-back window of a {} event: {}",
                            capture.request().type(), e.toString());
                }
                capture.event().detail("lookBack", stopping ? STOPPED : "failed: " + e);
                // All of the window or none of it: the event goes on with its forward capture alone.
                for (Path written : capture.files().files()) {
                    if (!before.contains(written)) {
                        capture.files().discard(written);
                    }
                }
                capture.event().lookBack(null);
                if (leadJfr != null && !capture.files().files().contains(leadJfr)) {
                    leadJfr = null; // it was this capture's: the next one dumps again
                    times = null;
                    recording = null;
                }
            }
        }
    }

    /**
     * Whether Holmes is stopping: it interrupts the capture thread, closes the recorder and removes the scratch
     * directory, and any of the three can be what made a window fail. Such a failure is the stop's, not a fault.
     */
    private boolean stopping(Capture capture) {
        return Thread.currentThread().isInterrupted() || capture.files().stopped() || recorder.isClosed();
    }

    private void writeViews(Capture capture, Path jfr, ByteBuffer recording, EventTimes times, Instant since,
                            long began, long cpuBegan, long dumped) throws IOException {
        DumpType type = capture.request().type();
        Instant to = capture.request().triggered();
        Instant from = to.minus(recorder.lookBack());
        if (since != null && since.isAfter(from)) {
            from = since.isAfter(to) ? to : since;
        }
        List<Path> files = new ArrayList<>();
        files.add(jfr);
        List<String> args = converterArgs(type, from, to);
        long seconds = Math.max(1, Duration.between(from, to).toSeconds());
        String title = "Holmes " + view(type) + ", " + seconds + " s BEFORE the trigger " + capture.files().stamp()
                + " (" + capture.request().reason() + ")";
        JfrConversions.View view = JfrConversions.view(recording, args, title);
        long converted = System.nanoTime();
        files.add(capture.files().write("before.pb.gz", view::writePprof));
        files.add(capture.files().write("before.html", view::writeFlameGraph));
        long written = System.nanoTime();

        Map<String, Long> samples = counts(times, from, to);
        if (type == DumpType.MEM) {
            List<OldObjectSamples.Sample> live = liveAt(times, to, jfr);
            samples.put(OldObjectSamples.EVENT, (long) live.size());
            byte[] profile = LiveObjectsProfile.encode(live, to);
            files.add(capture.files().write("before.live.pb.gz", out -> ThreadDumpCapturer.gzip(profile, out)));
        }
        long end = System.nanoTime();
        if (LOG.isDebugEnabled()) {
            LOG.debug("Holmes wrote the look-back window of a {} event in {} ms ({} ms of CPU): dump and counts {}"
                    + " ms, conversion {} ms, profile and flame graph files {} ms, live objects {} ms", type,
                    (end - began) / 1_000_000, (CPU.getCurrentThreadCpuTime() - cpuBegan) / 1_000_000,
                    (dumped - began) / 1_000_000, (converted - dumped) / 1_000_000, (written - converted) / 1_000_000,
                    (end - written) / 1_000_000);
        }
        capture.event().lookBack(new DumpEvent.LookBack(from, to, view(type), samples, files))
                // CPU samples per second and thread in the window, as Pyroscope's ingest API expects it.
                .detail("lookBackSampleRate", Long.toString(1000 / LookBackRecorder.EXECUTION_PERIOD_MILLIS));
    }

    /**
     * The window as the views' converter reads it: in memory, each chunk's constant pools relinked to skip what the
     * old-object sampler carries over from earlier chunks ({@link JfrChunk#skipCarriedOverCheckpoints}), which only
     * the live objects use and which they read from the file itself. The views come out the same, byte for byte, in
     * a third to a half of the time on windows of a long-running JVM.
     */
    static ByteBuffer forViews(byte[] jfr, String name) throws IOException {
        ByteBuffer recording = ByteBuffer.wrap(jfr.clone()); // the live objects read the original
        JfrChunk.skipCarriedOverCheckpoints(recording, name);
        return recording;
    }

    /**
     * The {@link #COUNTED} events of the window {@code [from, to]}, but for the old-object samples: a MEM view counts
     * those it decodes ({@link #liveAt}), and other views use none (their dump takes none unless a MEM view shares
     * it).
     */
    static Map<String, Long> counts(EventTimes times, Instant from, Instant to) {
        Map<String, Long> samples = new LinkedHashMap<>();
        for (String type : COUNTED) {
            if (!type.equals(OldObjectSamples.EVENT)) {
                samples.put(type, times.count(type, from, to));
            }
        }
        return samples;
    }

    /**
     * The sampled objects alive at {@code to}: the old-object samples Flight Recorder wrote when the window was
     * dumped, decoded from just the chunk that holds them. That is the newest batch at or after {@code to}: an
     * earlier dump, or a recording of the application's own that stopped, may have left older ones.
     */
    static List<OldObjectSamples.Sample> liveAt(EventTimes times, Instant to, Path jfr) throws IOException {
        return OldObjectSamples.read(times.newestChunkWith(OldObjectSamples.EVENT, to), to,
                jfr.getFileName().toString());
    }

    /**
     * Makes every view of every type once from {@code jfr} (a window from {@code from} to {@code to}) into nothing:
     * the converter's and Flight Recorder's parsers then have their classes loaded and their first, interpreted runs
     * behind them before the first event needs them. Writes no file.
     */
    static void warmUp(Path jfr, Instant from, Instant to) throws IOException {
        byte[] bytes = Files.readAllBytes(jfr);
        ByteBuffer recording = forViews(bytes, jfr.getFileName().toString());
        for (DumpType type : DumpType.values()) {
            JfrConversions.View view =
                    JfrConversions.view(recording, converterArgs(type, from, to), "Holmes " + view(type));
            view.writePprof(OutputStream.nullOutputStream());
            view.writeFlameGraph(OutputStream.nullOutputStream());
        }
        EventTimes times = EventTimes.read(bytes, jfr.getFileName().toString(), Set.copyOf(COUNTED));
        counts(times, from, to);
        List<OldObjectSamples.Sample> live = liveAt(times, to, jfr);
        ThreadDumpCapturer.gzip(LiveObjectsProfile.encode(live, to), OutputStream.nullOutputStream());
    }
}
