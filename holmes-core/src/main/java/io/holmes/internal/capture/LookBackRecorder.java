package io.holmes.internal.capture;

import io.holmes.internal.DaemonThreads;
import io.holmes.internal.HostInfo;
import io.holmes.internal.OnceLogger;
import io.holmes.internal.profiler.JfrSession;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the recent past: a JDK Flight Recorder recording that runs from Holmes' start to its stop and holds the
 * last {@code lookBack} of low-rate evidence, so that an event can show what led up to its trigger. It runs beside
 * async-profiler (which does not use Flight Recorder) and beside any recording of the application's own, whose
 * settings it leaves alone. The settings, and what each buys:
 *
 * <ul>
 *   <li>{@code jdk.ExecutionSample} every {@value #EXECUTION_PERIOD_MILLIS} ms: where the CPU went. JFR samples at
 *       most a few running threads per period, so the cost is flat in the number of threads; a burst of 700 ms on
 *       two threads gets up to 28 samples.</li>
 *   <li>{@code jdk.ObjectAllocationSample} throttled to {@value #ALLOCATION_THROTTLE}, with stacks: who allocated.
 *       Each sample is weighted by the bytes its thread allocated since the previous one, so a burst of hundreds of
 *       megabytes in a fraction of a second is attributed in full from a handful of samples.</li>
 *   <li>{@code jdk.OldObjectSample} with allocation stacks and no path-to-GC-roots search ({@code cutoff 0 ns}): a
 *       few hundred sampled objects still alive at the trigger, by allocation site. Written when a MEM event's window
 *       is dumped, and only then ({@link #dump}); only objects that survived a collection are reported.</li>
 *   <li>{@code jdk.ThreadPark} and {@code jdk.JavaMonitorEnter} of {@value #BLOCKING_THRESHOLD_MILLIS} ms or
 *       more, with stacks: time blocked or parked, by stack. An event is written when the wait ends, so waits still
 *       going on at the trigger are not in it (the thread dump after the trigger shows those).</li>
 *   <li>{@code jdk.GarbageCollection} and {@code jdk.GCHeapSummary}: every collection, with the heap before and
 *       after it.</li>
 * </ul>
 *
 * <p>The recording keeps {@code lookBack} plus {@value #MARGIN_SECONDS} s (for a trigger whose capture waits behind
 * another) and at most {@value #MAX_SIZE_BYTES} bytes. Flight Recorder drops data a whole chunk at a time, so once
 * the current chunk is {@code lookBack / 2} old (a window's dump also ends one) the worker ends it by stopping a copy
 * of the recording: older chunks can then be dropped. A window's dump takes only the chunks that reach into it, so
 * it holds the window plus at most about {@code lookBack / 2} before it and the time from the trigger to the dump.
 * Every chunk repeats the recording's metadata and constant pools (about 110 KB here), which is most of what a
 * window's readers parse; hence chunks no shorter than needed, and one boundary per rotation. The chunks live in
 * Flight Recorder's repository, which this class makes private first ({@link PrivateRepository}).
 *
 * <p>Starting Flight Recorder can take a few hundred milliseconds, so it happens on the {@code holmes-look-back}
 * daemon thread; until then, and when Flight Recorder is missing or refuses, {@link #isRecording()} is false and
 * events go without a look-back window. The same thread warms the window's converters up once per JVM, {@value
 * #WARM_UP_DELAY_MILLIS} ms after the first recording began, so that the first event's window is written as fast as
 * the later ones.
 */
public final class LookBackRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LookBackRecorder.class);

    static final long EXECUTION_PERIOD_MILLIS = 50;
    static final long ALLOCATION_THROTTLE_PER_SECOND = 50;
    static final String ALLOCATION_THROTTLE = ALLOCATION_THROTTLE_PER_SECOND + "/s";
    static final long BLOCKING_THRESHOLD_MILLIS = 20;
    /** How much longer than the window the recording keeps. */
    static final long MARGIN_SECONDS = 10;
    /** How many times per rotation period the worker checks the current chunk's age. */
    static final int ROTATION_CHECKS = 4;
    /** Bound of the recording in Flight Recorder's repository. */
    public static final long MAX_SIZE_BYTES = 32L * 1024 * 1024;
    /**
     * How long the recording runs before the views are warmed up: long enough that the warm-up parses thousands of
     * samples, so that the parsers' hot code is compiled, not only loaded (measured: a warm-up on a recording of a
     * few seconds loaded the classes but left the first window at 0.8 s on a busy machine).
     */
    static final long WARM_UP_DELAY_MILLIS = 10_000;
    /** Runs of every view in the warm-up: the second finds the first one's code compiled and compiles the rest. */
    static final int WARM_UP_PASSES = 2;
    /** Whether a recorder of this JVM took the warm-up on; loaded classes and compiled code outlive a recorder. */
    private static final AtomicBoolean WARMED = new AtomicBoolean();
    /** Whether the warm-up is over. */
    private static volatile boolean warm;

    private final Duration lookBack;
    private final OnceLogger warnings;
    private final ScheduledExecutorService worker;
    private final Object lock = new Object();
    private Recording recording;
    /** When the current chunk began ({@link System#nanoTime()}): at the latest rotation or dump. */
    private long chunkBegan;
    private Instant since;
    private PrivateRepository repository;
    private volatile String status = "starting";
    private boolean closed;

    private LookBackRecorder(Duration lookBack, OnceLogger warnings) {
        this.lookBack = lookBack;
        this.warnings = warnings;
        this.worker = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("holmes-look-back"));
    }

    /**
     * Starts recording the last {@code lookBack} on the {@code holmes-look-back} thread; never throws and never
     * blocks on Flight Recorder.
     *
     * @param available whether this JVM has Flight Recorder ({@link FlightRecorder#isAvailable()} outside tests)
     * @param warnings  the owner's warn-once log, so that a JVM without Flight Recorder is told once, not at every
     *                  start
     */
    public static LookBackRecorder start(Duration lookBack, BooleanSupplier available, OnceLogger warnings) {
        LookBackRecorder recorder = new LookBackRecorder(lookBack, warnings);
        recorder.worker.execute(() -> recorder.begin(available));
        return recorder;
    }

    /** The JVM's own answer to whether Flight Recorder can record. */
    public static boolean flightRecorderAvailable() {
        try {
            return FlightRecorder.isAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    public Duration lookBack() {
        return lookBack;
    }

    public boolean isRecording() {
        synchronized (lock) {
            return recording != null;
        }
    }

    /** Whether {@link #close(Duration)} was called: a window that fails from now on fails because Holmes stops. */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Why there is no recording ({@code "starting"}, {@code "Flight Recorder is not available"}, ...), or "recording". */
    public String status() {
        return status;
    }

    private void begin(BooleanSupplier available) {
        try {
            if (!available.getAsBoolean()) {
                status = "JDK Flight Recorder is not available in this JVM";
                warnings.warn("look-back", "Holmes runs without look-back: JDK Flight Recorder is not available in this"
                        + " JVM; events will show only what happens after their trigger");
                return;
            }
            PrivateRepository privateRepository;
            Recording r;
            synchronized (JfrSession.REPOSITORY_LOCK) {
                // Prepared before the recording exists: a new Recording counts among Flight Recorder's recordings.
                privateRepository = PrivateRepository.prepare();
                r = newRecording(lookBack);
                r.start();
            }
            long rotation = Math.max(1_000, lookBack.toMillis() / 2);
            synchronized (lock) {
                if (closed) {
                    r.close();
                    privateRepository.release();
                    return;
                }
                recording = r;
                chunkBegan = System.nanoTime();
                since = r.getStartTime() != null ? r.getStartTime() : Instant.now();
                repository = privateRepository;
                status = "recording";
            }
            warnings.clear("look-back");
            long check = Math.max(250, rotation / ROTATION_CHECKS);
            worker.scheduleWithFixedDelay(() -> rotateOlderThan(rotation), check, check, TimeUnit.MILLISECONDS);
            if (!WARMED.get()) {
                worker.schedule(this::warmUpOnce, WARM_UP_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            }
            LOG.debug("Holmes' look-back recording started: {} in {}", lookBack, privateRepository);
        } catch (Throwable e) {
            status = "JDK Flight Recorder refused to start: " + e;
            warnings.warn("look-back", "Holmes runs without look-back: JDK Flight Recorder refused to start: {}",
                    e.toString());
        }
    }

    /** The look-back recording; package-private so that tests can check its settings. */
    static Recording newRecording(Duration lookBack) {
        return newRecording(lookBack, 1);
    }

    /**
     * The look-back recording with its two sample rates multiplied by {@code rateMultiplier}: execution samples
     * every {@value #EXECUTION_PERIOD_MILLIS}{@code  / rateMultiplier} ms (at least 1 ms) and allocation samples
     * throttled to {@code 50 * rateMultiplier} a second; every other setting as in production, which always uses 1.
     * For the benchmarks only: the cost that scales with the sample rates is measured where it is large enough to
     * resolve, and divided by the samples recorded.
     */
    static Recording newRecording(Duration lookBack, int rateMultiplier) {
        if (rateMultiplier < 1) {
            throw new IllegalArgumentException("rateMultiplier must be at least 1, was " + rateMultiplier);
        }
        Recording r = new Recording();
        r.setName("holmes-look-back");
        r.setToDisk(true);
        r.setMaxAge(lookBack.plusSeconds(MARGIN_SECONDS));
        r.setMaxSize(MAX_SIZE_BYTES);
        // Flight Recorder takes the period in whole milliseconds: below 1 ms it would read 0, which turns it off.
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofNanos(
                Math.max(1_000_000L, Duration.ofMillis(EXECUTION_PERIOD_MILLIS).toNanos() / rateMultiplier)));
        r.enable("jdk.ObjectAllocationSample")
                .with("throttle", ALLOCATION_THROTTLE_PER_SECOND * rateMultiplier + "/s").withStackTrace();
        r.enable("jdk.OldObjectSample").with("cutoff", "0 ns").withStackTrace();
        Duration blocking = Duration.ofMillis(BLOCKING_THRESHOLD_MILLIS);
        r.enable("jdk.ThreadPark").withThreshold(blocking).withStackTrace();
        r.enable("jdk.JavaMonitorEnter").withThreshold(blocking).withStackTrace();
        r.enable("jdk.GarbageCollection");
        r.enable("jdk.GCHeapSummary");
        return r;
    }

    /**
     * Makes Flight Recorder begin a new chunk once the current one is {@code millis} old, so that chunks older than
     * the window can be dropped. A marker recording, started and closed, made two boundaries, the second chunk empty
     * but for its metadata and constant pools; a stopped copy makes one ({@link #stoppedCopy}).
     */
    private void rotateOlderThan(long millis) {
        try {
            synchronized (lock) {
                if (recording == null || System.nanoTime() - chunkBegan < TimeUnit.MILLISECONDS.toNanos(millis)) {
                    return;
                }
                stoppedCopy(false).close();
                chunkBegan = System.nanoTime();
            }
        } catch (Throwable e) {
            LOG.debug("Holmes could not rotate the look-back recording: {}", e.toString());
        }
    }

    /**
     * A stopped copy of the recording: stopping it ends the current chunk, which the copy then holds with the older
     * ones. With {@code liveObjects}, the stop also makes Flight Recorder write the objects its old-object sampler
     * holds (up to its queue of a few hundred, with their stacks, in an operation at a safepoint), as a dump does.
     * Only a MEM view reads them, so a copy that needs none samples none: its settings are emptied before it stops
     * (the recording's own, and so what Flight Recorder records, stay as they were).
     */
    private Recording stoppedCopy(boolean liveObjects) {
        // copy(true) returns the copy stopped already, with its settings, so the sampler's objects are written.
        Recording copy = recording.copy(liveObjects);
        if (!liveObjects) {
            try {
                copy.setSettings(Map.of());
                copy.stop();
            } catch (RuntimeException e) {
                copy.close();
                throw e;
            }
        }
        return copy;
    }

    /**
     * Writes what the recording holds from {@code from} on to {@code file} (which must not exist yet), with the
     * objects the old-object sampler holds when {@code liveObjects} (a MEM view needs them), and returns the
     * moment since which it has been recording. Flight Recorder cuts whole chunks: the file begins with the chunk
     * that holds {@code from}, at most about {@code lookBack / 2} (the rotation period) before it, so the converters parse
     * the window and little more, however much older data the recording still keeps.
     *
     * @throws IOException when there is no recording or Flight Recorder could not write it
     */
    public Instant dump(Path file, Instant from, boolean liveObjects) throws IOException {
        synchronized (lock) {
            if (recording == null) {
                throw new IOException("no look-back recording: " + status);
            }
            // A stopped copy ends the current chunk; its stream holds only the chunks that reach into [from, now].
            try (Recording copy = stoppedCopy(liveObjects); InputStream in = copy.getStream(from, null)) {
                chunkBegan = System.nanoTime();
                if (in == null) {
                    recording.dump(file);
                } else {
                    Files.copy(in, file);
                }
            }
            return since;
        }
    }

    /**
     * Once per JVM, {@value #WARM_UP_DELAY_MILLIS} ms after the recording began: dumps it into a private temporary
     * directory and makes every view of it into nothing ({@link LookBackCapture#warmUp}), {@value #WARM_UP_PASSES}
     * times, so that the first event's window is not the one that loads and first runs the converters (that took 0.7
     * to 2.7 s on a busy machine, against 0.1 to 0.3 s for later events). Runs on this recorder's thread at the lowest
     * Java priority (a hint that Linux JVMs ignore unless told otherwise), leaves no file, and gives up at once when
     * Holmes stops.
     */
    private void warmUpOnce() {
        if (WARMED.compareAndSet(false, true)) {
            if (warmUp()) {
                warm = true;
            } else {
                WARMED.set(false); // the next recorder tries again
            }
        }
    }

    /** Whether this JVM's look-back views were warmed up; benchmarks wait for it to measure the steady state. */
    public static boolean isWarm() {
        return warm;
    }

    /** The warm-up itself; true when every view was made. Package-private for tests. */
    boolean warmUp() {
        Thread thread = Thread.currentThread();
        int priority = thread.getPriority();
        thread.setPriority(Thread.MIN_PRIORITY);
        Path directory = null;
        long began = System.nanoTime();
        long cpuBegan = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        try {
            HostInfo.get(); // the host name lookup every event carries
            UUID.randomUUID(); // every event's id; the first seeds the secure random generator
            directory = Files.createTempDirectory("holmes-warm-up-"); // 0700 on POSIX
            Path jfr = directory.resolve("window.jfr");
            Instant to = Instant.now();
            dump(jfr, to.minus(lookBack), true);
            for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
                LookBackCapture.warmUp(jfr, to.minus(lookBack), to);
            }
            LOG.debug("Holmes warmed up its look-back views in {} ms ({} ms of CPU)",
                    (System.nanoTime() - began) / 1_000_000,
                    (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBegan) / 1_000_000);
            return true;
        } catch (Throwable e) {
            LOG.debug("Holmes could not warm up its look-back views: {}", e.toString());
            return false;
        } finally {
            thread.setPriority(priority);
            if (directory != null) {
                try {
                    PrivateRepository.deleteTree(directory);
                } catch (IOException e) {
                    LOG.debug("Holmes could not remove {}: {}", directory, e.toString());
                }
            }
        }
    }

    /** Stops and discards the recording and gives the repository back; waits at most {@code timeout}. */
    public void close(Duration timeout) {
        ExecutorService closer = worker;
        synchronized (lock) {
            closed = true;
        }
        closer.shutdownNow();
        try {
            closer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Recording r;
        PrivateRepository repo;
        synchronized (lock) {
            r = recording;
            repo = repository;
            recording = null;
            repository = null;
            status = "closed";
        }
        try {
            if (r != null) {
                r.close();
            }
        } catch (Throwable e) {
            LOG.debug("Holmes could not close its look-back recording: {}", e.toString());
        }
        if (repo != null) {
            repo.release();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
