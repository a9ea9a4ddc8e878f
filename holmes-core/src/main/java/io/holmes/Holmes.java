package io.holmes;

import io.holmes.internal.DaemonThreads;
import io.holmes.internal.OnceLogger;
import io.holmes.internal.capture.CaptureRequest;
import io.holmes.internal.capture.CaptureService;
import io.holmes.internal.capture.Capturer;
import io.holmes.internal.capture.LookBackCapture;
import io.holmes.internal.capture.LookBackRecorder;
import io.holmes.internal.capture.MemoryReportCapturer;
import io.holmes.internal.capture.ProfileCapturer;
import io.holmes.internal.capture.ThreadDumpCapturer;
import io.holmes.internal.collect.BuiltInTriggers;
import io.holmes.internal.collect.CgroupMemory;
import io.holmes.internal.collect.CpuQuota;
import io.holmes.internal.collect.JvmProcessProbe;
import io.holmes.internal.collect.ProbeLifecycle;
import io.holmes.internal.collect.ProcessProbe;
import io.holmes.internal.collect.ReadingLog;
import io.holmes.internal.decide.Detector;
import io.holmes.internal.decide.RuleBook;
import io.holmes.internal.decide.TriggerSink;
import io.holmes.internal.profiler.AsyncProfilerOwner;
import io.holmes.internal.report.ReporterDispatcher;
import io.holmes.internal.write.DiskBudget;
import io.holmes.internal.write.DumpDirectory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An anomaly-triggered profiler for this JVM. Every collect interval Holmes reads each {@link Trigger} (process
 * CPU %, heap % and the live thread count always; heap after GC, GC time, resident memory and the application's own
 * {@link Probe}s when configured), compares each reading with the average of its previous ten, and when a
 * trigger's {@link Rule} fires it captures evidence into the dump directory and hands the event to the reporters.
 *
 * <pre>{@code
 * Holmes holmes = Holmes.builder()
 *     .collectInterval(Duration.ofSeconds(1))
 *     .threadDump(200, 100, 5000, 200 * 5000, Duration.ofMinutes(1))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>Threads: collection runs on {@code holmes-collector} and never waits for a capture; captures run on
 * {@code holmes-capture}; reporters on {@code holmes-reporter}. All are daemons, and none lets an exception
 * reach the application. Every method here is thread-safe.
 */
public final class Holmes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Holmes.class);

    /** How often readings are taken unless {@link Builder#collectInterval(Duration)} says otherwise. */
    public static final Duration DEFAULT_COLLECT_INTERVAL = Duration.ofSeconds(5);

    /** Length of a CPU or allocation capture unless {@link Builder#samplingTime(Duration)} says otherwise. */
    public static final Duration DEFAULT_SAMPLING_TIME = Duration.ofSeconds(5);

    /** CPU sampling interval of a CPU capture unless {@link Builder#cpuSamplingInterval(Duration)} says otherwise. */
    public static final Duration DEFAULT_CPU_SAMPLING_INTERVAL = Duration.ofMillis(10);

    /**
     * Bytes between allocation samples unless {@link Builder#allocSamplingInterval(long)} says otherwise: 0, which
     * has each MEM capture choose the interval from the allocation rate measured just before it.
     */
    public static final long DEFAULT_ALLOC_SAMPLING_INTERVAL = 0;

    /** Events that may wait for reporters unless {@link Builder#reporterQueueCapacity(int)} says otherwise. */
    public static final int DEFAULT_REPORTER_QUEUE_CAPACITY = 64;

    /** How long stopping waits for captures and reporters unless {@link Builder#closeTimeout(Duration)} says otherwise. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Events the dump directory keeps unless {@link Builder#dumpBudget(int, long)} says otherwise. */
    public static final int DEFAULT_MAX_EVENTS = 50;

    /** Bytes the dump directory keeps unless {@link Builder#dumpBudget(int, long)} says otherwise. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    /** How far back every event looks unless {@link Builder#lookBack(Duration)} says otherwise. */
    public static final Duration DEFAULT_LOOK_BACK = Duration.ofSeconds(30);

    /** The longest look-back accepted. */
    public static final Duration MAX_LOOK_BACK = Duration.ofMinutes(10);

    /** The shortest collect interval accepted. */
    public static final Duration MIN_COLLECT_INTERVAL = Duration.ofMillis(10);

    /**
     * The floor under every rule: a rule's capture of a type is skipped when the previous capture of that type
     * ended less than this long ago, whatever the rule's cooldown says, so that no configuration (rules set to fire
     * on every reading, a flood of run-time changes) can keep the profiler running. Manual {@link #dump(DumpType)}
     * captures are neither limited nor counted by it: an operator asked for each, and they wait one at a time
     * behind a small queue.
     */
    public static final Duration CAPTURE_FLOOR = Duration.ofSeconds(10);

    private final double cpuCores;
    private final long memoryLimit;
    private final Duration samplingTime;
    private final ProfileCapturer.Settings profiling;
    private final List<ProfileReporter> reporters;
    private final int reporterQueueCapacity;
    private final Duration closeTimeout;
    private final RuleBook rules;
    private final Probe[] probes;
    private final long rssLimit;
    private final DumpDirectory dumpDirectory;
    private final ProcessProbe probe;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final Duration lookBack;
    private final BooleanSupplier flightRecorderAvailable;
    private final OnceLogger readingWarnings = new OnceLogger(LOG);
    private final OnceLogger lookBackWarnings = new OnceLogger(LoggerFactory.getLogger(LookBackRecorder.class));
    private final AtomicLong droppedReports = new AtomicLong();
    private final AtomicLong failedReports = new AtomicLong();
    private final AtomicLong deliveredReports = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();

    private final Object lifecycle = new Object();
    private volatile Duration collectInterval;
    private volatile Run run;
    private boolean closed;

    private Holmes(Builder b, double cpuCores, long memoryLimit, long rssLimit, Map<DumpType, Rule> rules) {
        this.cpuCores = cpuCores;
        this.memoryLimit = memoryLimit;
        this.collectInterval = b.collectInterval;
        this.samplingTime = b.samplingTime;
        this.profiling = new ProfileCapturer.Settings(b.samplingTime, b.cpuSamplingInterval,
                b.allocSamplingInterval,
                b.heapDump);
        this.reporters = List.copyOf(b.reporters);
        this.reporterQueueCapacity = b.reporterQueueCapacity;
        this.closeTimeout = b.closeTimeout;
        this.nanoTime = b.nanoTime;
        this.clock = b.clock;
        this.lookBack = b.lookBack;
        this.flightRecorderAvailable = b.flightRecorderAvailable;
        this.rssLimit = rssLimit;
        this.dumpDirectory = new DumpDirectory(b.dumpPath, new DiskBudget(b.maxEvents, b.maxBytes), b.clock);
        this.probe = b.probe != null ? b.probe : new JvmProcessProbe(cpuCores, memoryLimit, b.nanoTime);
        // Triggers in book order: the original three first (their readings exist whether or not their rule is on),
        // then the configured built-ins, then the user's.
        List<RuleBook.Entry> entries = new ArrayList<>();
        List<Probe> readers = new ArrayList<>();
        ProcessProbe process = this.probe;
        for (DumpType type : DumpType.values()) {
            entries.add(new RuleBook.Entry(type.fileTag(), rules.get(type), EnumSet.of(type),
                    b.configured.contains(type)));
        }
        readers.add(process::cpuPercent);
        readers.add(process::heapPercent);
        readers.add(process::threadCount);
        BuiltInTriggers.Context context = new BuiltInTriggers.Context(memoryLimit, rssLimit, b.nanoTime);
        for (Map.Entry<String, Builder.RuleDraft> draft : b.builtIns.entrySet()) {
            BuiltInTriggers.Spec spec = BuiltInTriggers.spec(draft.getKey());
            Builder.RuleDraft d = draft.getValue();
            entries.add(new RuleBook.Entry(spec.name(), Rule.of(d.min, d.diff, d.abs, 0, d.cooldown), spec.captures(),
                    true));
            readers.add(spec.probe().apply(context));
        }
        for (Trigger trigger : b.triggers) {
            entries.add(new RuleBook.Entry(trigger.name(), trigger.rule(), trigger.captures(), true));
            readers.add(trigger.probe());
        }
        this.rules = new RuleBook(entries, b.cpuMax);
        this.probes = readers.toArray(new Probe[0]);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts sampling. Idempotent: a running Holmes is left as it is. A start after {@link #stop()} warms up again. */
    public Holmes start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("Holmes is closed; build a new instance to start again");
            }
            if (run == null) {
                run = new Run();
                LOG.info("Holmes started: interval {}, cpuCores {}, memoryLimit {} bytes, triggers {}, dumps in {}",
                        collectInterval, cpuCores, memoryLimit, enabledRules(), dumpDirectory.directory());
            }
            return this;
        }
    }

    /**
     * Stops sampling and aborts a running capture; {@link #start()} may follow, and begins with an empty window.
     * Returns within about the close timeout, whatever the reporters do.
     */
    public void stop() {
        Run stopping;
        synchronized (lifecycle) {
            stopping = run;
            run = null;
        }
        if (stopping != null) {
            stopping.stop();
            LOG.info("Holmes stopped");
        }
    }

    /**
     * Stops for good and releases Holmes' threads, then closes every reporter that is {@link AutoCloseable} (each
     * bounded by its own timeout). Idempotent.
     */
    @Override
    public void close() {
        boolean first;
        synchronized (lifecycle) {
            first = !closed;
            closed = true;
        }
        stop();
        if (first) {
            closeReporters();
        }
    }

    /**
     * Closes the reporters that are {@link AutoCloseable} on a daemon thread, waiting for them at most the close
     * timeout: a reporter whose {@code close()} blocks cannot hold the application's shutdown.
     */
    private void closeReporters() {
        List<AutoCloseable> closeable = new ArrayList<>();
        for (ProfileReporter reporter : reporters) {
            if (reporter instanceof AutoCloseable) {
                closeable.add((AutoCloseable) reporter);
            }
        }
        if (closeable.isEmpty()) {
            return;
        }
        Thread closer = new DaemonThreads("holmes-close").newThread(() -> {
            for (AutoCloseable reporter : closeable) {
                try {
                    reporter.close();
                } catch (Exception | LinkageError e) {
                    LOG.warn("Holmes could not close reporter {}: {}", reporter.getClass().getName(), e.toString());
                }
            }
        });
        closer.start();
        try {
            closer.join(closeTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.warn("Holmes' reporters did not close within {}; they are left to finish on a daemon thread",
                    closeTimeout);
        }
    }

    public boolean isRunning() {
        return run != null;
    }

    /**
     * Captures {@code type} now, without a rule and without touching cooldowns; {@link #CAPTURE_FLOOR} does not
     * apply to it. The future completes with the event once all of its files are on disk, or fails (Holmes not
     * running, capture queue full, dump directory refused as unsafe, capture failed); it never throws.
     */
    public CompletableFuture<DumpEvent> dump(DumpType type) {
        CompletableFuture<DumpEvent> result = new CompletableFuture<>();
        if (type == null) {
            result.completeExceptionally(new IllegalArgumentException("dump type must not be null"));
            return result;
        }
        Run current = run;
        if (current == null) {
            result.completeExceptionally(new IllegalStateException("Holmes is not running: call start() first"));
            return result;
        }
        MetricState state = current.detector.state(type, nanoTime.getAsLong());
        List<Integer> previous = state.window();
        if (!previous.isEmpty() && state.latest() != ProcessProbe.NO_READING) {
            previous = previous.subList(0, previous.size() - 1);
        }
        current.captures.submit(new CaptureRequest(type, Reason.MANUAL, null, state.latest(), mean(previous),
                previous, result));
        return result;
    }

    private static int mean(List<Integer> readings) {
        long sum = 0;
        for (int r : readings) {
            sum += r;
        }
        return readings.isEmpty() ? 0 : (int) (sum / readings.size());
    }

    // ---- run-time configuration -------------------------------------------------------------------------

    /** Turns the rule for {@code type} on: the one configured in the builder or set later, else its default. */
    public void enable(DumpType type) {
        rules.setEnabled(Objects.requireNonNull(type, "type"), true);
    }

    public void disable(DumpType type) {
        rules.setEnabled(Objects.requireNonNull(type, "type"), false);
    }

    public boolean isEnabled(DumpType type) {
        return rules.isEnabled(type);
    }

    /** The rule for {@code type} that is or would be in force. */
    public Rule rule(DumpType type) {
        return rules.rule(type);
    }

    /** Replaces the thresholds of {@code rule.type()} from the next reading on; does not enable or disable it. */
    public void setRule(Rule rule) {
        rules.setRule(Objects.requireNonNull(rule, "rule"));
    }

    /** Every trigger's name, in the order they are read: {@code cpu}, {@code mem}, {@code thread}, then the others. */
    public List<String> triggers() {
        return rules.names();
    }

    /** Turns the trigger named {@code trigger} on ({@code cpu}, {@code mem}, {@code thread}: as {@link #enable(DumpType)}). */
    public void enable(String trigger) {
        rules.setEnabled(indexOf(trigger), true);
    }

    public void disable(String trigger) {
        rules.setEnabled(indexOf(trigger), false);
    }

    public boolean isEnabled(String trigger) {
        return rules.isEnabled(indexOf(trigger));
    }

    /** The rule of the trigger named {@code trigger} that is or would be in force. */
    public Rule rule(String trigger) {
        return rules.rule(indexOf(trigger));
    }

    /**
     * Replaces the thresholds of the trigger named {@code trigger} from the next reading on; does not enable or
     * disable it. For {@code cpu}, {@code mem} and {@code thread} the rule must be of that type (or made with
     * {@link Rule#of}, and is then checked as one of that type); for any other trigger, its type must be
     * {@code null} ({@link Rule#of}).
     */
    public void setRule(String trigger, Rule rule) {
        Objects.requireNonNull(rule, "rule");
        int index = indexOf(trigger);
        DumpType original = index < DumpType.values().length ? DumpType.values()[index] : null;
        if (rule.type() != original) {
            if (original == null || rule.type() != null) {
                throw new IllegalArgumentException("setRule: trigger " + trigger + " takes a rule of type "
                        + (original == null ? "null (Rule.of)" : original) + ", but was given " + rule.type());
            }
            rule = new Rule(original, rule.min(), rule.diff(), rule.abs(), rule.max(), rule.cooldown());
        }
        rules.setRule(index, rule);
    }

    /** The latest reading, window, rule and cooldown of a trigger; its {@code type} is the first type it captures. */
    public MetricState state(String trigger) {
        int index = indexOf(trigger);
        Run current = run;
        if (current == null) {
            return new MetricState(rules.captures(index)[0], ProcessProbe.NO_READING, 0, List.of(), rules.rule(index),
                    rules.isEnabled(index), Duration.ZERO);
        }
        return current.detector.state(index, nanoTime.getAsLong());
    }

    private int indexOf(String trigger) {
        int index = rules.index(Objects.requireNonNull(trigger, "trigger"));
        if (index < 0) {
            throw new IllegalArgumentException("no trigger named '" + trigger + "'; the triggers are " + rules.names());
        }
        return index;
    }

    /** Denominator of the rss %, in bytes. */
    public long rssLimit() {
        return rssLimit;
    }

    public int cpuMax() {
        return rules.cpuMax();
    }

    /** Sets the CPU % at or above which no capture starts; 0 turns the veto off. */
    public void setCpuMax(int cpuMax) {
        if (cpuMax < 0 || cpuMax > Rule.MAX_PERCENT) {
            throw new IllegalArgumentException("cpuMax must be between 0 and " + Rule.MAX_PERCENT + ", but was " + cpuMax);
        }
        rules.setCpuMax(cpuMax);
    }

    public Duration collectInterval() {
        return collectInterval;
    }

    /**
     * Changes the collect interval; a running Holmes takes its next reading one new interval after the end of the
     * latest one, or sooner when a reading was already due sooner. A due reading is never put off, and a stream of
     * changes leaves at most one pending reading behind.
     */
    public void setCollectInterval(Duration interval) {
        List<String> problems = new ArrayList<>();
        Builder.checkInterval(problems, interval);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
        synchronized (lifecycle) {
            if (interval.equals(collectInterval)) {
                return;
            }
            collectInterval = interval;
            if (run != null) {
                run.reschedule(interval);
            }
        }
    }

    // ---- read-only state --------------------------------------------------------------------------------

    /** The latest reading, window, rule and cooldown of {@code type}; readings are -1 and windows empty when stopped. */
    public MetricState state(DumpType type) {
        Run current = run;
        if (current == null) {
            return new MetricState(type, ProcessProbe.NO_READING, 0, List.of(), rules.rule(type),
                    rules.isEnabled(type), Duration.ZERO);
        }
        return current.detector.state(type, nanoTime.getAsLong());
    }

    public Path dumpPath() {
        return dumpDirectory.directory();
    }

    public double cpuCores() {
        return cpuCores;
    }

    public long memoryLimit() {
        return memoryLimit;
    }

    public Duration samplingTime() {
        return samplingTime;
    }

    /** How far back every event looks; {@link Duration#ZERO} when look-back is off. */
    public Duration lookBack() {
        return lookBack;
    }

    /**
     * Whether the look-back recording runs, so that events get their window before the trigger: false while it
     * starts (shortly after {@link #start()}), when look-back is off, and in a JVM without Flight Recorder.
     */
    public boolean isLookBackRecording() {
        Run current = run;
        return current != null && current.lookBackRecorder != null && current.lookBackRecorder.isRecording();
    }

    /**
     * Bytes under the dump directory after the latest check (at start and after each capture): events, recordings
     * in progress, and what a process that died left until it is swept.
     */
    public long bytesOnDisk() {
        return dumpDirectory.bytesOnDisk();
    }

    /**
     * Events dropped without a final attempt, since this instance was built: Holmes' reporter queue was full, or a
     * {@link CountingReporter} dropped them (its own queue full, closing, or too old for the destination).
     */
    public long droppedReports() {
        return droppedReports.get() + sum(CountingReporter::droppedUploads);
    }

    /** Reporter calls that threw, plus the events {@link CountingReporter}s gave up on, since this instance was built. */
    public long failedReports() {
        return failedReports.get() + sum(CountingReporter::failedUploads);
    }

    /** Attempts beyond the first that {@link CountingReporter}s made, since this instance was built. */
    public long retriedReports() {
        return sum(CountingReporter::retriedUploads);
    }

    /** Collect ticks completed (readings taken and decided on), since this instance was built. */
    public long ticks() {
        return ticks.get();
    }

    /**
     * Events delivered, since this instance was built: plain reporter calls that returned normally, plus the
     * events {@link CountingReporter}s saw accepted (an upload counts when the server answered 2xx, not when it
     * was queued).
     */
    public long deliveredReports() {
        return deliveredReports.get() + sum(CountingReporter::deliveredUploads);
    }

    private long sum(ToLongFunction<CountingReporter> count) {
        long total = 0;
        for (ProfileReporter reporter : reporters) {
            if (reporter instanceof CountingReporter counting) {
                total += count.applyAsLong(counting);
            }
        }
        return total;
    }

    private List<String> enabledRules() {
        List<String> on = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.isEnabled(i)) {
                on.add(rules.name(i));
            }
        }
        return on;
    }

    /** One read-decide pass; package-private so tests can drive ticks by hand. */
    void tick(Run current) {
        int[] readings = current.tickReadings;
        for (int i = 0; i < probes.length; i++) {
            readings[i] = read(i);
        }
        current.readings.append(readings);
        current.detector.onReadings(nanoTime.getAsLong(), readings, current.sink);
        if (!current.fired.isEmpty()) {
            // Triggers of one tick go together, so that a CPU and a MEM capture can share one profiling session.
            current.captures.submitAll(List.copyOf(current.fired));
            current.fired.clear();
        }
        ticks.incrementAndGet();
    }

    Run currentRun() {
        return run;
    }

    /** Trigger {@code i}'s reading as the rules compare it: negative or failed is none, above int range is saturated. */
    private int read(int i) {
        try {
            long reading = probes[i].read();
            if (reading < 0) {
                return ProcessProbe.NO_READING;
            }
            return reading > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) reading;
        } catch (Throwable e) {
            String name = rules.name(i);
            readingWarnings.warn(name, "Holmes could not take the {} reading; skipping it: {}", name, e.toString());
            return ProcessProbe.NO_READING;
        }
    }

    /** Everything that lives from one start to the next stop. */
    final class Run {
        final Detector detector = new Detector(rules);
        /** Enough ticks to cover a capture of the longest sampling time at a 1 s interval. */
        final ReadingLog readings = new ReadingLog(rules.names(), 1024);
        /** The readings of the tick in progress, one per trigger; touched only by the collector thread. */
        final int[] tickReadings = new int[probes.length];
        /** Triggers of the tick in progress; touched only by the collector thread. */
        final List<CaptureRequest> fired = new ArrayList<>(probes.length * DumpType.values().length);
        final ReporterDispatcher dispatcher;
        final CaptureService captures;
        final TriggerSink sink;
        /** The recording of the recent past, or {@code null} when look-back is off. */
        final LookBackRecorder lookBackRecorder;
        private final ScheduledThreadPoolExecutor collector;
        /** The pending tick, {@code null} while one runs; guarded by this run's monitor, as are the fields below. */
        private ScheduledFuture<?> next;
        /** When {@link #next} is due, in {@link System#nanoTime()} time (the executor's). */
        private long nextDue;
        /** When the latest tick ended (or the run began). */
        private long lastEnd;
        private boolean stopped;
        /** How many ticks were armed; only the latest one may run. */
        private long armed;

        Run() {
            probe.reset();
            for (Probe p : probes) {
                if (p instanceof ProbeLifecycle lifecycle) {
                    try {
                        lifecycle.open();
                    } catch (RuntimeException | LinkageError e) {
                        // Its readings fail and are skipped with one warning; start() goes on.
                        LOG.debug("Holmes could not prepare a probe: {}", e.toString());
                    }
                }
            }
            dispatcher = new ReporterDispatcher(reporters, reporterQueueCapacity, droppedReports, failedReports,
                    deliveredReports);
            Map<DumpType, Capturer> capturers = new EnumMap<>(DumpType.class);
            capturers.put(DumpType.THREAD, new ThreadDumpCapturer(clock));
            Capturer profiles = new ProfileCapturer(AsyncProfilerOwner.shared(), profiling);
            if (rules.index(Trigger.RSS) >= 0) {
                profiles = new MemoryReportCapturer(profiles, rssLimit);
            }
            capturers.put(DumpType.CPU, profiles);
            capturers.put(DumpType.MEM, profiles);
            lookBackRecorder = lookBack.isZero() ? null : LookBackRecorder.start(lookBack, flightRecorderAvailable,
                    lookBackWarnings);
            captures = new CaptureService(capturers, dumpDirectory, readings, dispatcher::offer, clock, 8,
                    CAPTURE_FLOOR, nanoTime,
                    lookBackRecorder == null ? LookBackCapture.OFF : LookBackCapture.of(lookBackRecorder));
            sink = (trigger, rule, reason, current, average, window) -> {
                Instant now = Instant.now();
                for (DumpType type : rules.captures(trigger)) {
                    fired.add(new CaptureRequest(type, reason, rule, current, average, window, new CompletableFuture<>(),
                            now, rules.name(trigger)));
                }
            };
            collector = new ScheduledThreadPoolExecutor(1, new DaemonThreads("holmes-collector"));
            // A cancelled tick leaves the queue at once instead of waiting there for its due time.
            collector.setRemoveOnCancelPolicy(true);
            // Before the first tick, off the caller's thread: check the dump directory, sweep what dead writers left.
            collector.execute(() -> {
                try {
                    dumpDirectory.open();
                } catch (Throwable e) {
                    readingWarnings.warn("open", "Holmes could not prepare its dump directory: {}", e.toString());
                }
            });
            synchronized (this) {
                lastEnd = System.nanoTime();
                arm(collectInterval.toNanos());
            }
        }

        /** Schedules the next tick {@code delayNanos} from now; the caller holds this run's monitor. */
        private void arm(long delayNanos) {
            long generation = ++armed;
            nextDue = System.nanoTime() + delayNanos;
            next = collector.schedule(() -> loop(generation), delayNanos, TimeUnit.NANOSECONDS);
        }

        /**
         * One tick, then the next one armed a whole interval (the one in force now) after this one's end. A tick
         * that was replaced after the executor had already taken it finds a newer generation armed and does nothing.
         */
        private void loop(long generation) {
            synchronized (this) {
                if (stopped || generation != armed) {
                    return;
                }
                next = null;
            }
            try {
                safeTick();
            } finally {
                synchronized (this) {
                    lastEnd = System.nanoTime();
                    if (!stopped) {
                        arm(collectInterval.toNanos());
                    }
                }
            }
        }

        /**
         * Brings the pending tick forward when {@code interval} after the latest tick's end comes sooner. A tick
         * that is running or already due is never touched, and a later due time never replaces a sooner one (the
         * tick after it takes the new interval), so that no stream of changes can starve collection; a replaced
         * tick leaves the queue at once.
         */
        synchronized void reschedule(Duration interval) {
            if (stopped || next == null) {
                return;
            }
            long now = System.nanoTime();
            long due = lastEnd + interval.toNanos();
            if (due - nextDue >= 0 || nextDue - now <= 0) {
                return;
            }
            if (next.cancel(false)) {
                arm(Math.max(0, due - now));
            }
        }

        /** Ticks waiting in the collector's queue (at most one). */
        int pendingTicks() {
            return collector.getQueue().size();
        }

        private void safeTick() {
            try {
                tick(this);
            } catch (Throwable e) {
                readingWarnings.warn("tick", "Holmes' collect tick failed; the next one will run: {}", e.toString(), e);
            }
        }

        void stop() {
            synchronized (this) {
                stopped = true;
            }
            collector.shutdownNow();
            long deadline = System.nanoTime() + closeTimeout.toNanos();
            captures.shutdown(closeTimeout);
            if (lookBackRecorder != null) {
                lookBackRecorder.close(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            }
            dumpDirectory.close();
            dispatcher.shutdown(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            try {
                collector.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Probe p : probes) {
                if (p instanceof ProbeLifecycle lifecycle) {
                    try {
                        lifecycle.close();
                    } catch (RuntimeException e) {
                        LOG.debug("Holmes could not release a probe: {}", e.toString());
                    }
                }
            }
        }
    }

    /**
     * Configures a {@link Holmes}. Setters only record values; {@link #build()} checks them all and reports every
     * problem in one {@link IllegalArgumentException}. The builder may be reused after {@code build()}.
     */
    public static final class Builder {

        private Duration collectInterval = DEFAULT_COLLECT_INTERVAL;
        private Double cpuCores;
        private Long memoryLimit;
        private Path dumpPath = defaultDumpPath();
        private Duration samplingTime = DEFAULT_SAMPLING_TIME;
        private Duration cpuSamplingInterval = DEFAULT_CPU_SAMPLING_INTERVAL;
        private long allocSamplingInterval = DEFAULT_ALLOC_SAMPLING_INTERVAL;
        private boolean heapDump;
        private final Map<DumpType, RuleDraft> drafts = new EnumMap<>(DumpType.class);
        private final EnumSet<DumpType> configured = EnumSet.noneOf(DumpType.class);
        private final Map<String, RuleDraft> builtIns = new LinkedHashMap<>();
        private final List<Trigger> triggers = new ArrayList<>();
        private boolean nullTrigger;
        private Long rssLimit;
        private int cpuMax;
        private final List<ProfileReporter> reporters = new ArrayList<>();
        private boolean nullReporter;
        private int maxEvents = DEFAULT_MAX_EVENTS;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private int reporterQueueCapacity = DEFAULT_REPORTER_QUEUE_CAPACITY;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private ProcessProbe probe;
        private LongSupplier nanoTime = System::nanoTime;
        private Clock clock = Clock.systemUTC();
        private Duration lookBack = DEFAULT_LOOK_BACK;
        private BooleanSupplier flightRecorderAvailable = LookBackRecorder::flightRecorderAvailable;

        private Builder() {
        }

        /** How often to take readings; default 5 s, at least 10 ms. */
        public Builder collectInterval(Duration interval) {
            this.collectInterval = interval;
            return this;
        }

        /** Denominator of the CPU %; default: the container's CPU quota, else the available processors. */
        public Builder cpuCores(double cores) {
            this.cpuCores = cores;
            return this;
        }

        /** Denominator of the heap %, in bytes; default: the maximum heap ({@code -Xmx}). */
        public Builder memoryLimit(long bytes) {
            this.memoryLimit = bytes;
            return this;
        }

        /**
         * Directory for the captures; default {@code ${java.io.tmpdir}/holmes-<user name>}, private to the user.
         * Created {@code 0700} when missing. Holmes writes only into a directory owned by its own user that group and
         * others cannot write, not reached through another user's symbolic link: a directory of its own that group or
         * others can write is tightened to owner-only with one WARN; any other is refused with one WARN, and captures
         * fail with {@link io.holmes.UntrustedDirectoryException}.
         */
        public Builder dumpPath(Path path) {
            this.dumpPath = path;
            return this;
        }

        /** Length of a CPU or allocation capture; default 5 s. */
        public Builder samplingTime(Duration time) {
            this.samplingTime = time;
            return this;
        }

        /** CPU time between two CPU samples of a thread during a CPU capture; default 10 ms, 1 ms to 1 s. */
        public Builder cpuSamplingInterval(Duration interval) {
            this.cpuSamplingInterval = interval;
            return this;
        }

        /**
         * Bytes allocated between two allocation samples during a MEM capture with async-profiler: 1 KiB to 1 GiB for
         * a fixed interval, or 0 (the default) to have each MEM capture choose it from the allocation rate measured
         * just before it (at least 100 ms): the rate divided by 200 samples a second, at least 512 KiB, so that the
         * capture's cost stays bounded however fast the application allocates. (The JDK Flight Recorder fallback
         * samples at most 1000 allocations a second.)
         */
        public Builder allocSamplingInterval(long bytes) {
            this.allocSamplingInterval = bytes;
            return this;
        }

        /**
         * Whether MEM captures also write an {@code .hprof} heap dump; default {@code false}. A heap dump pauses the
         * JVM for as long as it takes to write the live heap, is as large as the heap, and holds every secret in it;
         * it follows the same owner-only permissions and disk budget as every other file, and is skipped with one
         * WARN when the used heap would not fit the disk budget or the file system's free space.
         */
        public Builder heapDump(boolean enabled) {
            this.heapDump = enabled;
            return this;
        }

        /** Enables the CPU rule: min %, diff %, abs %, cooldown. */
        public Builder cpuDump(int min, int diff, int abs, Duration cooldown) {
            return rule(DumpType.CPU, min, diff, abs, 0, cooldown);
        }

        /** Enables the heap rule (percent of memoryLimit): min %, diff %, abs %, cooldown. */
        public Builder memDump(int min, int diff, int abs, Duration cooldown) {
            return rule(DumpType.MEM, min, diff, abs, 0, cooldown);
        }

        /** Enables the thread rule: min, diff %, abs, max (0 = no ceiling), cooldown. */
        public Builder threadDump(int min, int diff, int abs, int max, Duration cooldown) {
            return rule(DumpType.THREAD, min, diff, abs, max, cooldown);
        }

        private Builder rule(DumpType type, int min, int diff, int abs, int max, Duration cooldown) {
            drafts.put(type, new RuleDraft(min, diff, abs, max, cooldown));
            configured.add(type);
            return this;
        }

        /**
         * Enables the {@code gc-heap} trigger: heap bytes in use right after the latest collection, in percent of
         * memoryLimit (min %, diff %, abs %, cooldown). Captures MEM. A leak shows here while heap % is a sawtooth.
         */
        public Builder gcHeapDump(int min, int diff, int abs, Duration cooldown) {
            builtIns.put(Trigger.GC_HEAP, new RuleDraft(min, diff, abs, 0, cooldown));
            return this;
        }

        /**
         * Enables the {@code gc-time} trigger: percent of wall time spent in GC pauses since the previous reading
         * (min %, diff %, abs %, cooldown). Captures CPU and MEM in one profiling session.
         */
        public Builder gcTimeDump(int min, int diff, int abs, Duration cooldown) {
            builtIns.put(Trigger.GC_TIME, new RuleDraft(min, diff, abs, 0, cooldown));
            return this;
        }

        /**
         * Enables the {@code rss} trigger: resident memory in percent of {@link #rssLimit(long)} (min %, diff %,
         * abs %, cooldown). Captures MEM plus {@code mem.<stamp>.memory.txt}, where the resident memory is and which
         * part grew.
         */
        public Builder rssDump(int min, int diff, int abs, Duration cooldown) {
            builtIns.put(Trigger.RSS, new RuleDraft(min, diff, abs, 0, cooldown));
            return this;
        }

        /**
         * Denominator of the rss %, in bytes; default the memory limit of the process's cgroup (v2
         * {@code memory.max}, v1 {@code memory.limit_in_bytes}), else physical memory.
         */
        public Builder rssLimit(long bytes) {
            this.rssLimit = bytes;
            return this;
        }

        /** Adds a user trigger; its name must not be taken by another trigger or a built-in one. */
        public Builder trigger(Trigger trigger) {
            if (trigger == null) {
                nullTrigger = true;
            } else {
                triggers.add(trigger);
            }
            return this;
        }

        /** No capture of any kind while CPU % is at or above this; 0 (default) turns the veto off. */
        public Builder cpuMax(int percent) {
            this.cpuMax = percent;
            return this;
        }

        /** Adds a reporter; the dump-directory writer always runs first. */
        public Builder reporter(ProfileReporter reporter) {
            if (reporter == null) {
                nullReporter = true;
            } else {
                reporters.add(reporter);
            }
            return this;
        }

        /**
         * The disk budget of the dump directory: at most {@code maxEvents} events (an event is all files sharing
         * one {@code <type>.<stamp>}) and {@code maxBytes} bytes; the oldest events are deleted first. Default
         * 50 events, 256 MiB.
         */
        public Builder dumpBudget(int maxEvents, long maxBytes) {
            this.maxEvents = maxEvents;
            this.maxBytes = maxBytes;
            return this;
        }

        /** How many finished events may wait for slow reporters before the oldest is dropped; default 64. */
        public Builder reporterQueueCapacity(int capacity) {
            this.reporterQueueCapacity = capacity;
            return this;
        }

        /** How long {@link Holmes#stop()} and {@link Holmes#close()} wait for captures and reporters; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * How far back every event looks: from {@link Holmes#start()} to {@link Holmes#stop()} a low-rate JDK Flight
         * Recorder recording keeps the recent past (CPU samples, sampled allocations and live objects, long parks
         * and monitor waits, collections), and every event, by a rule or by hand, also gets the window that ends at
         * its trigger as {@code <type>.<stamp>.before.jfr}, {@code .before.pb.gz} and {@code .before.html}. A short
         * spike or a finished heap jump is over before a forward capture starts; this window still holds it.
         * Default 30 s; {@link Duration#ZERO} turns it off; at most 10 min. A JVM without Flight Recorder runs
         * without it after one WARN.
         */
        public Builder lookBack(Duration lookBack) {
            this.lookBack = lookBack;
            return this;
        }

        /** Whether Flight Recorder can be had; a test seam for JVMs without it. */
        Builder flightRecorderAvailable(BooleanSupplier available) {
            this.flightRecorderAvailable = available;
            return this;
        }

        Builder probe(ProcessProbe probe) {
            this.probe = probe;
            return this;
        }

        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Every problem with the options set so far, one message each, each starting with the builder option it is
         * about ({@code collectInterval}, {@code cpuDump.min}, {@code dumpBudget.maxBytes}, ...) and naming the bad
         * value. Empty when {@link #build()} would succeed. Integrations use it to report problems in their own
         * vocabulary.
         */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            rules(problems);
            return problems;
        }

        /** Checks every option and builds; throws {@link IllegalArgumentException} naming each bad option and value. */
        public Holmes build() {
            List<String> problems = new ArrayList<>();
            Map<DumpType, Rule> rules = rules(problems);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid Holmes configuration: " + String.join("; ", problems));
            }
            double cores = cpuCores != null ? cpuCores : CpuQuota.defaultCores();
            long limit = memoryLimit != null ? memoryLimit : defaultMemoryLimit();
            long rss = rssLimit != null ? rssLimit : CgroupMemory.defaultLimit();
            return new Holmes(this, cores, limit, rss, rules);
        }

        /** Checks every option into {@code problems} and returns the rules in force (defaults where unset). */
        private Map<DumpType, Rule> rules(List<String> problems) {
            checkInterval(problems, collectInterval);
            if (cpuCores != null && (!Double.isFinite(cpuCores) || cpuCores <= 0 || cpuCores > 100_000)) {
                problems.add("cpuCores must be a finite number above 0, but was " + cpuCores);
            }
            if (memoryLimit != null && memoryLimit <= 0) {
                problems.add("memoryLimit must be a positive number of bytes, but was " + memoryLimit);
            }
            if (dumpPath == null) {
                problems.add("dumpPath must not be null");
            } else if (Files.exists(dumpPath) && !Files.isDirectory(dumpPath)) {
                problems.add("dumpPath must be a directory, but " + dumpPath + " is a file");
            } else if (dumpPath.toAbsolutePath().toString().indexOf(',') >= 0) {
                problems.add("dumpPath must not contain ',' (async-profiler's argument separator), but was " + dumpPath);
            }
            if (samplingTime == null) {
                problems.add("samplingTime must not be null");
            } else if (samplingTime.compareTo(Duration.ofMillis(100)) < 0 || samplingTime.compareTo(Duration.ofMinutes(10)) > 0) {
                problems.add("samplingTime must be between 100ms and 10m, but was " + samplingTime);
            }
            if (lookBack == null) {
                problems.add("lookBack must not be null (Duration.ZERO turns it off)");
            } else if (lookBack.isNegative() || (!lookBack.isZero() && lookBack.compareTo(Duration.ofSeconds(1)) < 0)
                    || lookBack.compareTo(MAX_LOOK_BACK) > 0) {
                problems.add("lookBack must be 0 (off) or between 1s and 10m, but was " + lookBack);
            }
            if (cpuSamplingInterval == null) {
                problems.add("cpuSamplingInterval must not be null");
            } else if (cpuSamplingInterval.compareTo(Duration.ofMillis(1)) < 0
                    || cpuSamplingInterval.compareTo(Duration.ofSeconds(1)) > 0) {
                problems.add("cpuSamplingInterval must be between 1ms and 1s, but was " + cpuSamplingInterval);
            }
            if (allocSamplingInterval != 0
                    && (allocSamplingInterval < 1024 || allocSamplingInterval > 1024L * 1024 * 1024)) {
                problems.add("allocSamplingInterval must be 0 (chosen from the allocation rate) or between 1024 and "
                        + "1073741824 bytes, but was " + allocSamplingInterval);
            }
            Map<DumpType, Rule> rules = new EnumMap<>(DumpType.class);
            for (DumpType type : DumpType.values()) {
                rules.put(type, Rule.defaults(type));
            }
            for (Map.Entry<DumpType, RuleDraft> draft : drafts.entrySet()) {
                DumpType type = draft.getKey();
                RuleDraft d = draft.getValue();
                List<String> ruleProblems = Rule.check(Rule.optionName(type), type, d.min, d.diff, d.abs, d.max, d.cooldown);
                if (ruleProblems.isEmpty()) {
                    rules.put(type, new Rule(type, d.min, d.diff, d.abs, d.max, d.cooldown));
                }
                problems.addAll(ruleProblems);
            }
            for (Map.Entry<String, RuleDraft> draft : builtIns.entrySet()) {
                RuleDraft d = draft.getValue();
                problems.addAll(Rule.check(BuiltInTriggers.spec(draft.getKey()).option(), d.min, d.diff, d.abs, d.max,
                        false, Rule.MAX_PERCENT, d.cooldown));
            }
            if (rssLimit != null && rssLimit <= 0) {
                problems.add("rssLimit must be a positive number of bytes, but was " + rssLimit);
            }
            if (nullTrigger) {
                problems.add("trigger must not be null");
            }
            List<String> names = new ArrayList<>();
            for (Trigger trigger : triggers) {
                if (BuiltInTriggers.isReserved(trigger.name())) {
                    problems.add("trigger name '" + trigger.name() + "' belongs to a built-in trigger; choose another");
                } else if (names.contains(trigger.name())) {
                    problems.add("trigger name '" + trigger.name() + "' is used twice; trigger names must be unique");
                }
                names.add(trigger.name());
            }
            if (cpuMax < 0 || cpuMax > Rule.MAX_PERCENT) {
                problems.add("cpuMax must be between 0 and " + Rule.MAX_PERCENT + ", but was " + cpuMax);
            }
            if (nullReporter) {
                problems.add("reporter must not be null");
            }
            if (maxEvents < 1) {
                problems.add("dumpBudget.maxEvents must be at least 1, but was " + maxEvents);
            }
            if (maxBytes < 1024 * 1024) {
                problems.add("dumpBudget.maxBytes must be at least 1048576 (1 MiB), but was " + maxBytes);
            }
            if (reporterQueueCapacity < 1 || reporterQueueCapacity > 100_000) {
                problems.add("reporterQueueCapacity must be between 1 and 100000, but was " + reporterQueueCapacity);
            }
            if (closeTimeout == null) {
                problems.add("closeTimeout must not be null");
            } else if (closeTimeout.isNegative() || closeTimeout.isZero() || closeTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                problems.add("closeTimeout must be above 0 and at most 5m, but was " + closeTimeout);
            }
            return rules;
        }

        static void checkInterval(List<String> problems, Duration interval) {
            if (interval == null) {
                problems.add("collectInterval must not be null");
            } else if (interval.compareTo(MIN_COLLECT_INTERVAL) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
                problems.add("collectInterval must be between 10ms and 1h, but was " + interval);
            }
        }

        /**
         * {@code ${java.io.tmpdir}/holmes-<user name>}: a shared temporary directory holds one private dump directory
         * per user, so that no user meets a directory another one made first. Characters a file name should not
         * carry are replaced.
         */
        static Path defaultDumpPath() {
            String tmp = System.getProperty("java.io.tmpdir", "/tmp");
            return Path.of(tmp, "holmes-" + fileNameOf(System.getProperty("user.name")));
        }

        static String fileNameOf(String user) {
            if (user == null || user.isEmpty()) {
                return "unknown";
            }
            StringBuilder name = new StringBuilder(user.length());
            for (int i = 0; i < user.length(); i++) {
                char c = user.charAt(i);
                boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '.' || c == '_' || c == '-';
                name.append(plain ? c : '_');
            }
            String result = name.toString();
            return result.chars().allMatch(c -> c == '.' || c == '_') ? "unknown" : result;
        }

        /** The maximum heap; when the JVM reports none, the machine's (or container's) memory. */
        private static long defaultMemoryLimit() {
            long max = Runtime.getRuntime().maxMemory();
            if (max > 0 && max != Long.MAX_VALUE) {
                return max;
            }
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean) {
                long total = ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
                if (total > 0) {
                    return total;
                }
            }
            return Runtime.getRuntime().totalMemory();
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("Holmes.Builder{collectInterval=").append(collectInterval)
                    .append(", cpuCores=").append(cpuCores == null ? "auto" : cpuCores)
                    .append(", memoryLimit=").append(memoryLimit == null ? "max heap" : memoryLimit)
                    .append(", dumpPath=").append(dumpPath)
                    .append(", samplingTime=").append(samplingTime)
                    .append(", cpuSamplingInterval=").append(cpuSamplingInterval)
                    .append(", allocSamplingInterval=").append(allocSamplingInterval == 0 ? "auto" : allocSamplingInterval)
                    .append(", heapDump=").append(heapDump)
                    .append(", lookBack=").append(lookBack);
            for (Map.Entry<DumpType, RuleDraft> draft : drafts.entrySet()) {
                s.append(", ").append(Rule.optionName(draft.getKey())).append('=').append(draft.getValue());
            }
            for (Map.Entry<String, RuleDraft> draft : builtIns.entrySet()) {
                s.append(", ").append(BuiltInTriggers.spec(draft.getKey()).option()).append('=').append(draft.getValue());
            }
            if (rssLimit != null) {
                s.append(", rssLimit=").append(rssLimit);
            }
            for (Trigger trigger : triggers) {
                s.append(", ").append(trigger);
            }
            return s.append(", cpuMax=").append(cpuMax)
                    .append(", reporters=").append(reporters.size())
                    .append(", dumpBudget=").append(maxEvents).append(" events/").append(maxBytes).append(" bytes")
                    .append(", reporterQueueCapacity=").append(reporterQueueCapacity)
                    .append(", closeTimeout=").append(closeTimeout)
                    .append('}').toString();
        }

        private static final class RuleDraft {
            final int min;
            final int diff;
            final int abs;
            final int max;
            final Duration cooldown;

            RuleDraft(int min, int diff, int abs, int max, Duration cooldown) {
                this.min = min;
                this.diff = diff;
                this.abs = abs;
                this.max = max;
                this.cooldown = cooldown;
            }

            @Override
            public String toString() {
                return "(min=" + min + ", diff=" + diff + ", abs=" + abs + (max != 0 ? ", max=" + max : "")
                        + ", cooldown=" + cooldown + ')';
            }
        }
    }
}
