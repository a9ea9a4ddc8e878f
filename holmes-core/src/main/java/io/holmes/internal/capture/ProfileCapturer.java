package io.holmes.internal.capture;

import io.holmes.DumpType;
import io.holmes.internal.OnceLogger;
import io.holmes.internal.profiler.AsyncProfilerOwner;
import io.holmes.internal.profiler.JfrSession;
import io.holmes.internal.profiler.ProfilerUnavailableException;
import io.holmes.internal.write.ContentWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU and MEM captures: one profiling session of {@code samplingTime}, shared when a CPU and a MEM trigger come
 * together, recorded by async-profiler when it can be had and by JDK Flight Recorder otherwise. Each event gets
 * the raw {@code .jfr}, a gzipped pprof {@code .pb.gz} (CPU profiles in nanoseconds of CPU) and an HTML flame
 * graph {@code .html} whose title says what it shows, both made with async-profiler's converter; a MEM event also gets a class histogram {@code .histo.txt}, and an {@code .hprof}
 * when heap dumps were enabled. The event's details say which engine recorded it, at what interval, for how long
 * and how many samples it holds. A MEM event also gets the sampled objects still reachable when the session
 * ended, by allocation site: {@code .live.pb.gz} and {@code .live.html}; and the classes that gained the most
 * bytes between a class histogram taken before the session and one taken after it, {@code .growth.txt}.
 */
public final class ProfileCapturer implements Capturer {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileCapturer.class);

    /**
     * Event detail: the recording this event's {@code .jfr} holds, named as the lead event's {@code .jfr} without
     * its extension. Events of one shared session name the same recording.
     */
    public static final String RECORDING = "recording";

    /** Event detail: the capture types the recording served, in session order, joined by {@code +}. */
    public static final String RECORDING_TYPES = "recordingTypes";

    /**
     * Event detail: the triggers the recording served, each once, in session order, joined by {@code +}:
     * {@code cpu+mem} when both rules fired in one tick, {@code gc-time} when that trigger took a CPU and a MEM
     * capture.
     */
    public static final String RECORDING_TRIGGERS = "recordingTriggers";

    /** Event detail: the reasons those triggers fired for, in the same order, joined by {@code +}. */
    public static final String RECORDING_REASONS = "recordingReasons";

    /** How long, at least, the allocation rate is measured before a MEM capture. */
    static final long RATE_WINDOW_MILLIS = 100;

    /**
     * How long a MEM capture waits, at most, for a young collection before its first class histogram when the
     * collector has no eden whose fill foretells the collection (ZGC, Shenandoah). Otherwise it waits only when a
     * collection is due within the first half of the session, at the allocation rate measured before it, and takes
     * the histogram at once when none is. The session is already recording then: nothing but the allocation-rate
     * measurement stands between the trigger and the first sample, so a CPU profile taken with it (gc-time captures
     * both) still sees a storm that ends soon.
     */
    static final long HISTOGRAM_BEFORE_WAIT_MILLIS = 500;

    /**
     * How long it waits, at most, before the second histogram, once the files are converted: only when a young
     * collection is due within that time (or cannot be foreseen). A heap walk right after a young collection skips
     * the young generation's dead objects, and without one the walk only grows as the young generation fills: on a
     * workload allocating 100 MB/s the two walks of a capture paused the application 77–102 ms when they waited
     * a fixed time, with or without a collection (benchmarks/README.md, "Capture cost").
     */
    static final long HISTOGRAM_AFTER_WAIT_MILLIS = 2000;

    /** Classes listed in a histogram. */
    static final int HISTOGRAM_ROWS = 100;

    private final AsyncProfilerOwner profiler;
    private final Settings settings;
    private final OnceLogger warnings = new OnceLogger(LOG);

    /**
     * What a profiling capture does.
     *
     * @param samplingTime how long a session records
     * @param cpuInterval  CPU time between two CPU samples of a thread
     * @param allocBytes   bytes allocated between two allocation samples (async-profiler); 0 to choose it at each
     *                     capture from the allocation rate just before it (see {@link AllocationRate})
     * @param heapDump     whether MEM captures also write an {@code .hprof}
     */
    public record Settings(Duration samplingTime, Duration cpuInterval, long allocBytes, boolean heapDump) {
    }

    public ProfileCapturer(AsyncProfilerOwner profiler, Settings settings) {
        this.profiler = profiler;
        this.settings = settings;
    }

    @Override
    public void capture(List<Capture> captures) throws Exception {
        boolean cpu = captures.stream().anyMatch(c -> c.request().type() == DumpType.CPU);
        boolean mem = captures.stream().anyMatch(c -> c.request().type() == DumpType.MEM);
        Capture lead = captures.get(0);
        Path raw = lead.files().scratch("jfr");

        long allocRate = -1;
        long allocBytes = 0;
        if (mem) {
            AllocationRate.Meter meter = AllocationRate.Meter.start();
            TimeUnit.MILLISECONDS.sleep(RATE_WINDOW_MILLIS);
            allocRate = meter.bytesPerSecond();
            allocBytes = settings.allocBytes() == 0 ? AllocationRate.interval(allocRate) : settings.allocBytes();
        }
        Recorder recorder = start(cpu, mem, raw, allocBytes, lead);
        Instant recordingStart = Instant.now();
        long began = System.nanoTime();
        String histogramBefore = null;
        long histogramBeforeNanos = 0;
        try {
            if (mem) {
                // The first of the two histograms the growth report compares, taken while the session records,
                // right after a young collection when one comes in time: the heap walk is shortest then and counts
                // fewest dead objects. The second is taken the same way after the session.
                GcCounter.awaitIfDue(allocRate, settings.samplingTime().toMillis() / 2, HISTOGRAM_BEFORE_WAIT_MILLIS);
                histogramBefore = histogramOrNull();
                histogramBeforeNanos = System.nanoTime();
            }
            long left = settings.samplingTime().toNanos() - (System.nanoTime() - began);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        } finally {
            recorder.stop();
        }
        long coveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        if (!Files.isRegularFile(raw) || Files.size(raw) == 0) {
            throw new IOException(recorder.engine(false) + " wrote no recording");
        }

        String types = joined(captures, c -> c.request().type().fileTag());
        // One trigger that took several captures (gc-time: CPU and MEM) fired once, for one reason.
        Map<String, String> fired = new LinkedHashMap<>();
        for (Capture c : captures) {
            fired.putIfAbsent(c.request().trigger(), c.request().reason().name().toLowerCase(Locale.ROOT));
        }
        String triggers = String.join("+", fired.keySet());
        String reasons = String.join("+", fired.values());
        // One pass over the recording for the details and live objects of every event it serves.
        RecordingSummary summary = recorder.summarize(raw, allocBytes);
        Path leadJfr = null;
        for (Capture capture : captures) {
            boolean allocation = capture.request().type() == DumpType.MEM;
            Path jfr = leadJfr == null ? capture.files().adopt(raw, "jfr") : capture.files().copy(leadJfr, "jfr");
            if (leadJfr == null) {
                leadJfr = jfr;
            }
            String engine = recorder.engine(allocation);
            long samples = allocation ? summary.allocationSamples() : summary.cpuSamples();
            String title = FlameGraphPage.title(
                    (allocation ? "allocation profile" : "CPU profile") + " AFTER the trigger", capture.request(),
                    recordingStart, coveredMillis, engine);
            ContentWriter profile;
            ContentWriter flameGraph;
            if (allocation) {
                // Both files from one parse of the recording.
                JfrConversions.View view = JfrConversions.view(jfr, JfrConversions.ALLOCATION_VIEW, title);
                profile = view::writePprof;
                flameGraph = view::writeFlameGraph;
            } else {
                long period = recorder.cpuPeriod().toNanos();
                profile = out -> CpuTimeProfile.write(jfr, period, out); // CPU time in nanoseconds: Holmes' own
                flameGraph = out -> JfrConversions.flameGraph(jfr, false, title, out);
            }
            if (samples == 0) {
                flameGraph = out -> FlameGraphPage.empty(title, engine + " recorded no "
                        + (allocation ? "allocation" : "CPU") + " samples in " + coveredMillis + " ms", out);
            }
            capture.files().write("pb.gz", profile);
            capture.files().write("html", flameGraph);
            String leadName = leadJfr.getFileName().toString();
            capture.event()
                    // One recording served every event of this session: a reporter that sends the recording
                    // itself (Pyroscope) sends it once, with the lead event, naming every trigger it served.
                    .detail(RECORDING, leadName.substring(0, leadName.length() - ".jfr".length()))
                    .detail(RECORDING_TYPES, types)
                    .detail(RECORDING_TRIGGERS, triggers)
                    .detail(RECORDING_REASONS, reasons)
                    .detail("engine", engine)
                    .detail("samplingInterval", recorder.interval(allocation))
                    .detail("coveredMillis", Long.toString(coveredMillis))
                    .detail("samples", Long.toString(samples));
            recorder.fallbackReason().ifPresent(why -> capture.event().detail("fallbackReason", why));
            if (cpu) {
                // CPU samples per second and thread, as Pyroscope's ingest API expects it (sampleRate).
                capture.event().detail("sampleRate", Long.toString(1_000_000_000L / recorder.cpuPeriod().toNanos()));
            }
            if (allocation) {
                if (settings.allocBytes() == 0) {
                    capture.event().detail("allocationRate", Long.toString(allocRate))
                            .detail("samplingIntervalChoice", "at most " + AllocationRate.TARGET_SAMPLES_PER_SECOND
                                    + " samples/s at the allocation rate (bytes/s) measured before the capture");
                } else {
                    capture.event().detail("samplingIntervalChoice", "allocSamplingInterval");
                }
                writeLiveObjects(capture, summary.live(), title.replace("allocation profile", "live objects"),
                        recorder, allocBytes);
                writeHeapEvidence(capture, histogramBefore, histogramBeforeNanos, allocRate);
            }
        }
    }

    private static String joined(List<Capture> captures, Function<Capture, String> part) {
        return captures.stream().map(part).collect(Collectors.joining("+"));
    }

    private static void writeLiveObjects(Capture capture, LiveObjects live, String title, Recorder recorder,
            long interval) throws IOException {
        String source = recorder.liveSource();
        String estimate = live.sized() ? "; values estimated from samples taken every " + interval + " bytes" : "";
        capture.files().write("live.pb.gz", out -> live.writePprof("Holmes live objects: objects still reachable at "
                + "the end of the capture, by allocation site (" + source + estimate + ")", out));
        if (live.sites().isEmpty()) {
            capture.files().write("live.html", out -> FlameGraphPage.empty(title,
                    "no sampled object was still reachable at the end of the capture (" + source + ")", out));
        } else {
            capture.files().write("live.html", out -> live.writeFlameGraph(title, out));
        }
        capture.event()
                .detail("liveObjects", source)
                .detail("liveSamples", Long.toString(live.samples()));
        if (live.sized()) {
            capture.event().detail("liveBytesEstimate", Long.toString(live.bytes()));
        }
    }

    private String histogramOrNull() {
        try {
            String histogram = ClassHistogram.takeAll();
            warnings.clear("histogram");
            return histogram;
        } catch (Exception e) {
            warnings.warn("histogram", "Holmes could not take a class histogram; MEM captures go without {}: {}",
                    "growth.txt", e.toString());
            return null;
        }
    }

    private void writeHeapEvidence(Capture capture, String histogramBefore, long beforeNanos, long allocRate)
            throws Exception {
        // A collection during the conversions would not do: the young generation fills again meanwhile.
        GcCounter.awaitIfDue(allocRate, HISTOGRAM_AFTER_WAIT_MILLIS, HISTOGRAM_AFTER_WAIT_MILLIS);
        String after = ClassHistogram.takeAll();
        long between = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeNanos);
        String histogram = ClassHistogram.top(after, HISTOGRAM_ROWS);
        capture.files().write("histo.txt", out -> out.write(histogram.getBytes(StandardCharsets.UTF_8)));
        capture.event().detail("histogram", "top " + HISTOGRAM_ROWS + " classes by bytes, reachable or not");
        if (histogramBefore != null) {
            String growth = ClassGrowth.report(histogramBefore, after, between, HISTOGRAM_ROWS);
            capture.files().write("growth.txt", out -> out.write(growth.getBytes(StandardCharsets.UTF_8)));
            capture.event().detail("growthMillis", Long.toString(between));
        }
        if (settings.heapDump()) {
            // A heap dump is about as large as the used heap; it is skipped rather than allowed to fill the disk.
            long estimate = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            Optional<String> refusal = capture.files().heapDumpRefusal(estimate);
            if (refusal.isPresent()) {
                warnings.warn("heap-dump-room", "Holmes skipped the heap dump of a MEM capture: {}", refusal.get());
                capture.event().detail("heapDump", "skipped: " + refusal.get());
                return;
            }
            warnings.clear("heap-dump-room");
            Path scratch = capture.files().scratch("hprof");
            HeapDump.write(scratch);
            capture.files().adopt(scratch, "hprof");
        }
    }

    private Recorder start(boolean cpu, boolean mem, Path raw, long allocBytes, Capture lead)
            throws ProfilerUnavailableException {
        try {
            AsyncProfilerOwner.Session session =
                    profiler.start(cpu, settings.cpuInterval().toNanos(), allocBytes, raw);
            warnings.clear("fallback");
            return new AsyncRecorder(session);
        } catch (ProfilerUnavailableException unavailable) {
            if (lead.files().stopped() || Thread.currentThread().isInterrupted()) {
                // Holmes' stop removed the scratch directory the recording was to be written in: not a fault of
                // the profiler, and no reason to fall back.
                throw new CancellationException("Holmes stopped before the capture began: " + unavailable.getMessage());
            }
            warnings.warn("fallback", "Holmes records {} with JDK Flight Recorder instead: {}",
                    cpu && mem ? "CPU and allocations" : cpu ? "CPU" : "allocations", unavailable.getMessage());
            JfrSession session = JfrSession.start(cpu ? settings.cpuInterval() : null, mem);
            return new JfrRecorder(session, raw, unavailable.getMessage());
        }
    }

    /** {@code 10 ms}, or {@code 500 us} below a millisecond. */
    static String describe(Duration interval) {
        long nanos = interval.toNanos();
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : nanos / 1_000 + " us";
    }

    /** A running session of either engine. */
    private interface Recorder {
        String engine(boolean allocation);

        String interval(boolean allocation);

        Optional<String> fallbackReason();

        /** Time between two CPU samples of a thread. */
        Duration cpuPeriod();

        /** Where the live-object view comes from. */
        String liveSource();

        /** Stops recording and leaves the JFR file in place. */
        void stop() throws IOException;

        /** Reads the stopped recording once for what every event of the session needs. */
        RecordingSummary summarize(Path jfr, long allocBytes) throws IOException;
    }

    private final class AsyncRecorder implements Recorder {
        private final AsyncProfilerOwner.Session session;

        AsyncRecorder(AsyncProfilerOwner.Session session) {
            this.session = session;
        }

        @Override
        public String engine(boolean allocation) {
            return "async-profiler/" + (allocation ? "alloc" : session.cpuEngine());
        }

        @Override
        public String interval(boolean allocation) {
            return allocation ? session.allocBytes() + " bytes" : describe(settings.cpuInterval());
        }

        @Override
        public Optional<String> fallbackReason() {
            return Optional.empty();
        }

        @Override
        public Duration cpuPeriod() {
            return settings.cpuInterval();
        }

        @Override
        public String liveSource() {
            return "async-profiler live, " + LiveObjects.ASYNC_EVENT;
        }

        @Override
        public void stop() {
            session.close();
        }

        @Override
        public RecordingSummary summarize(Path jfr, long allocBytes) throws IOException {
            return RecordingSummary.ofAsyncProfiler(jfr, allocBytes);
        }
    }

    private final class JfrRecorder implements Recorder {
        private final JfrSession session;
        private final Path file;
        private final String reason;

        JfrRecorder(JfrSession session, Path file, String reason) {
            this.session = session;
            this.file = file;
            this.reason = reason;
        }

        @Override
        public String engine(boolean allocation) {
            return "jfr";
        }

        @Override
        public String interval(boolean allocation) {
            return allocation ? JfrSession.ALLOCATION_SAMPLING : describe(session.period());
        }

        @Override
        public Optional<String> fallbackReason() {
            return Optional.of(reason);
        }

        @Override
        public Duration cpuPeriod() {
            return session.period();
        }

        @Override
        public String liveSource() {
            return "jfr " + LiveObjects.JFR_EVENT + ", objects without sizes";
        }

        @Override
        public void stop() throws IOException {
            try {
                session.stopAndWrite(file);
            } finally {
                session.close();
            }
        }

        @Override
        public RecordingSummary summarize(Path jfr, long allocBytes) throws IOException {
            return RecordingSummary.ofFlightRecorder(jfr);
        }
    }
}
