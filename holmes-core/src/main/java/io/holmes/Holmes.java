package io.holmes;

import io.holmes.internal.Counters;
import io.holmes.internal.DaemonThreads;
import io.holmes.internal.OnceLogger;
import io.holmes.internal.Pipeline;
import io.holmes.internal.capture.LookBackRecorder;
import io.holmes.internal.collect.BuiltInTriggers;
import io.holmes.internal.collect.CgroupMemory;
import io.holmes.internal.collect.CpuQuota;
import io.holmes.internal.collect.JvmProcessProbe;
import io.holmes.internal.collect.ProcessProbe;
import io.holmes.internal.decide.RuleBook;
import io.holmes.internal.write.DiskBudget;
import io.holmes.internal.write.DumpDirectory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

    private final HolmesConfig built;
    private final RuleBook rules;
    private final DumpDirectory dumpDirectory;
    private final ProcessProbe process;
    private final Counters counters = new Counters();
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final BooleanSupplier flightRecorderAvailable;
    private final OnceLogger readingWarnings = new OnceLogger(LOG);
    private final OnceLogger lookBackWarnings = new OnceLogger(LoggerFactory.getLogger(LookBackRecorder.class));

    private final Object lifecycle = new Object();
    private volatile Duration collectInterval;
    private volatile Pipeline run;
    private boolean closed;

    private Holmes(HolmesConfig config, ProcessProbe process, LongSupplier nanoTime, Clock clock,
                   BooleanSupplier flightRecorderAvailable) {
        this.built = config;
        this.process = process;
        this.nanoTime = nanoTime;
        this.clock = clock;
        this.flightRecorderAvailable = flightRecorderAvailable;
        this.collectInterval = config.collectInterval();
        this.dumpDirectory = new DumpDirectory(config.dumpPath(),
                new DiskBudget(config.maxEvents(), config.maxBytes()), clock);
        List<RuleBook.Entry> entries = new ArrayList<>();
        for (Trigger trigger : config.triggers()) {
            entries.add(new RuleBook.Entry(trigger.name(), trigger.rule(), trigger.captures(),
                    config.isEnabled(trigger.name())));
        }
        this.rules = new RuleBook(entries, config.cpuMax());
    }

    /**
     * Starts a configuration with every default: a 5 s collect interval, dumps under
     * {@code ${java.io.tmpdir}/holmes-<user name>}, a 30 s look-back, and no rule on until one is configured or
     * {@linkplain #enable(DumpType) enabled}.
     *
     * @return a new builder; each call returns a fresh one
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts sampling. Idempotent: a running Holmes is left as it is. A start after {@link #stop()} warms up again.
     *
     * @return this instance, so that {@code Holmes.builder()...build().start()} reads as one expression
     * @throws IllegalStateException after {@link #close()}; a closed Holmes cannot start again
     */
    public Holmes start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("Holmes is closed; build a new instance to start again");
            }
            if (run == null) {
                run = new Pipeline(new Pipeline.Parts(built, rules, process, dumpDirectory, counters,
                        () -> collectInterval, nanoTime, clock, flightRecorderAvailable, readingWarnings,
                        lookBackWarnings));
                LOG.info("Holmes started: interval {}, cpuCores {}, memoryLimit {} bytes, triggers {}, dumps in {}",
                        collectInterval, built.cpuCores(), built.memoryLimit(), enabledRules(),
                        dumpDirectory.directory());
            }
            return this;
        }
    }

    /**
     * Stops sampling and aborts a running capture; {@link #start()} may follow, and begins with an empty window.
     * Returns within about the close timeout, whatever the reporters do.
     */
    public void stop() {
        Pipeline stopping;
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
        for (ProfileReporter reporter : built.reporters()) {
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
            closer.join(built.closeTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.warn("Holmes' reporters did not close within {}; they are left to finish on a daemon thread",
                    built.closeTimeout());
        }
    }

    /**
     * {@return whether Holmes is sampling: true from {@link #start()} until {@link #stop()} or {@link #close()}}
     */
    public boolean isRunning() {
        return run != null;
    }

    /**
     * Captures {@code type} now, without a rule and without touching cooldowns; {@link #CAPTURE_FLOOR} does not
     * apply to it. The future completes with the event once all of its files are on disk, or fails (Holmes not
     * running, the latest CPU reading at or above {@link #cpuMax()}, capture queue full, dump directory refused as
     * unsafe, capture failed); it never throws.
     *
     * @param type what to capture; {@code null} gives a failed future rather than an exception
     * @return the event once its files are written, or a future failed with the reason it could not be
     */
    public CompletableFuture<DumpEvent> dump(DumpType type) {
        if (type == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("dump type must not be null"));
        }
        Pipeline current = run;
        if (current == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Holmes is not running: call start() first"));
        }
        return current.dump(type);
    }

    // ---- run-time configuration -------------------------------------------------------------------------

    /**
     * Turns the rule for {@code type} on from the next reading: the one configured in the builder or set later,
     * else {@link Rule#defaults(DumpType)}.
     *
     * @param type the rule to turn on; not {@code null}
     */
    public void enable(DumpType type) {
        rules.setEnabled(Objects.requireNonNull(type, "type"), true);
    }

    /**
     * Turns the rule for {@code type} off from the next reading; readings go on being taken, and the rule's
     * thresholds are kept for a later {@link #enable(DumpType)}.
     *
     * @param type the rule to turn off; not {@code null}
     */
    public void disable(DumpType type) {
        rules.setEnabled(Objects.requireNonNull(type, "type"), false);
    }

    /**
     * Whether the rule for {@code type} may fire.
     *
     * @param type the rule asked about; not {@code null}
     * @return true when the rule is on
     */
    public boolean isEnabled(DumpType type) {
        return rules.isEnabled(type);
    }

    /**
     * The rule for {@code type} that is or would be in force, whether or not it is on.
     *
     * @param type the rule asked about; not {@code null}
     * @return the thresholds set last, or {@link Rule#defaults(DumpType)} when none were
     */
    public Rule rule(DumpType type) {
        return rules.rule(type);
    }

    /**
     * Replaces the thresholds of {@code rule.type()} from the next reading on; does not enable or disable it. The
     * window of past readings is kept.
     *
     * @param rule the new thresholds, made with {@link Rule#cpu}, {@link Rule#mem} or {@link Rule#thread}
     * @throws NullPointerException when {@code rule} or its type is {@code null}; a rule made with {@link Rule#of}
     *                              goes through {@link #setRule(String, Rule)}
     */
    public void setRule(Rule rule) {
        rules.setRule(Objects.requireNonNull(rule, "rule"));
    }

    /**
     * {@return every trigger's name, in the order they are read: {@code cpu}, {@code mem}, {@code thread}, then the
     * other configured built-ins, then the application's own} The list includes triggers that are off.
     */
    public List<String> triggers() {
        return rules.names();
    }

    /**
     * Turns the trigger named {@code trigger} on from the next reading ({@code cpu}, {@code mem}, {@code thread}:
     * as {@link #enable(DumpType)}).
     *
     * @param trigger a name from {@link #triggers()}
     * @throws IllegalArgumentException when no trigger has that name
     */
    public void enable(String trigger) {
        rules.setEnabled(indexOf(trigger), true);
    }

    /**
     * Turns the trigger named {@code trigger} off from the next reading; it is still read, so that its window is
     * full when it is turned on again.
     *
     * @param trigger a name from {@link #triggers()}
     * @throws IllegalArgumentException when no trigger has that name
     */
    public void disable(String trigger) {
        rules.setEnabled(indexOf(trigger), false);
    }

    /**
     * Whether the trigger named {@code trigger} may fire.
     *
     * @param trigger a name from {@link #triggers()}
     * @return true when its rule is on
     * @throws IllegalArgumentException when no trigger has that name
     */
    public boolean isEnabled(String trigger) {
        return rules.isEnabled(indexOf(trigger));
    }

    /**
     * The rule of the trigger named {@code trigger} that is or would be in force, whether or not it is on.
     *
     * @param trigger a name from {@link #triggers()}
     * @return the thresholds set last, else the ones it was built with
     * @throws IllegalArgumentException when no trigger has that name
     */
    public Rule rule(String trigger) {
        return rules.rule(indexOf(trigger));
    }

    /**
     * Replaces the thresholds of the trigger named {@code trigger} from the next reading on; does not enable or
     * disable it. For {@code cpu}, {@code mem} and {@code thread} the rule must be of that type (or made with
     * {@link Rule#of}, and is then checked as one of that type); for any other trigger, its type must be
     * {@code null} ({@link Rule#of}). The thresholds are checked as {@link #ruleProblems} checks them.
     *
     * @param trigger a name from {@link #triggers()}
     * @param rule    the new thresholds; not {@code null}
     * @throws IllegalArgumentException when no trigger has that name, when the rule's type does not fit the
     *                                  trigger, or when the thresholds break the ranges of the trigger's kind of
     *                                  reading (every problem {@link #ruleProblems} lists)
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
        }
        List<Problem> problems = ruleProblems(trigger, rule.min(), rule.diff(), rule.abs(), rule.max(),
                rule.cooldown());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid Holmes rule: " + Problem.messages(problems));
        }
        if (rule.type() != original) {
            rule = new Rule(original, rule.min(), rule.diff(), rule.abs(), rule.max(), rule.cooldown());
        }
        rules.setRule(index, rule);
    }

    /**
     * Every problem with giving the trigger named {@code trigger} these thresholds, each on the option that
     * configures that trigger ({@code cpuDump.min}, {@code gcHeapDump.abs}, {@code trigger(checkout-p99).max}): the
     * ranges of its kind of reading (percentages up to {@link Rule#MAX_PERCENT} for CPU, heap and the built-ins after
     * them; counts for threads and user triggers) and a ceiling {@code max} only where the kind has one. Empty when
     * {@link #setRule(String, Rule)} would accept them.
     *
     * @param trigger  a name from {@link #triggers()}
     * @param min      readings below this would never capture
     * @param diff     percent above the average at which a reading would capture
     * @param abs      readings above this would always capture
     * @param max      readings at or above this would never capture; 0 for no ceiling
     * @param cooldown how long the rule would rest after a capture
     * @return a new list of every problem, empty when the thresholds fit
     * @throws IllegalArgumentException when no trigger has that name
     */
    public List<Problem> ruleProblems(String trigger, int min, int diff, int abs, int max, Duration cooldown) {
        int index = indexOf(trigger);
        if (index < DumpType.values().length) {
            DumpType type = DumpType.values()[index];
            return Rule.check(Rule.optionName(type), type, min, diff, abs, max, cooldown);
        }
        if (BuiltInTriggers.isReserved(trigger)) {
            return Rule.check(BuiltInTriggers.spec(trigger).option(), min, diff, abs, max, false, Rule.MAX_PERCENT,
                    cooldown);
        }
        return Rule.check("trigger(" + trigger + ")", min, diff, abs, max, true, Integer.MAX_VALUE, cooldown);
    }

    /**
     * The latest reading, window, rule and cooldown of a trigger, read together; its {@code type} is the first type
     * it captures.
     *
     * @param trigger a name from {@link #triggers()}
     * @return the trigger's state; while Holmes is stopped the reading is -1, the window empty and the cooldown zero
     * @throws IllegalArgumentException when no trigger has that name
     */
    public MetricState state(String trigger) {
        int index = indexOf(trigger);
        Pipeline current = run;
        if (current == null) {
            return new MetricState(rules.captures(index)[0], ProcessProbe.NO_READING, 0, List.of(), rules.rule(index),
                    rules.isEnabled(index), Duration.ZERO);
        }
        return current.state(index);
    }

    private int indexOf(String trigger) {
        int index = rules.index(Objects.requireNonNull(trigger, "trigger"));
        if (index < 0) {
            throw new IllegalArgumentException("no trigger named '" + trigger + "'; the triggers are " + rules.names());
        }
        return index;
    }

    /** {@return the denominator of the rss %, in bytes} */
    public long rssLimit() {
        return built.rssLimit();
    }

    /** {@return the CPU % at or above which no capture starts; 0 when the veto is off} */
    public int cpuMax() {
        return rules.cpuMax();
    }

    /**
     * Sets the CPU % at or above which nothing is captured: a CPU reading that high vetoes every trigger for that tick.
     * A manual {@link #dump(DumpType)} fails while the latest CPU reading is at or above it. 0 turns the veto off.
     *
     * @param cpuMax percent of {@link #cpuCores()}, 0 to {@link Rule#MAX_PERCENT}
     * @throws IllegalArgumentException when {@code cpuMax} is out of range
     */
    public void setCpuMax(int cpuMax) {
        if (cpuMax < 0 || cpuMax > Rule.MAX_PERCENT) {
            throw new IllegalArgumentException("cpuMax must be between 0 and " + Rule.MAX_PERCENT + ", but was " + cpuMax);
        }
        rules.setCpuMax(cpuMax);
    }

    /** {@return the collect interval in force, as built or as last set by {@link #setCollectInterval(Duration)}} */
    public Duration collectInterval() {
        return collectInterval;
    }

    /**
     * Changes the collect interval; a running Holmes takes its next reading one new interval after the end of the
     * latest one, or sooner when a reading was already due sooner. A due reading is never put off, and a stream of
     * changes leaves at most one pending reading behind.
     *
     * @param interval the new interval, 10 ms to 1 h
     * @throws IllegalArgumentException when {@code interval} is {@code null} or out of range
     */
    public void setCollectInterval(Duration interval) {
        List<Problem> problems = new ArrayList<>();
        Builder.checkInterval(problems, interval);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0).message());
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

    /**
     * The latest reading, window, rule and cooldown of {@code type}, read together; as {@link #state(String)} for
     * the trigger of that name.
     *
     * @param type the metric asked about; not {@code null}
     * @return its state; while Holmes is stopped the reading is -1, the window empty and the cooldown zero
     */
    public MetricState state(DumpType type) {
        return state(Objects.requireNonNull(type, "type").fileTag());
    }

    /** {@return the dump directory every capture is written to} */
    public Path dumpPath() {
        return dumpDirectory.directory();
    }

    /** {@return the denominator of the CPU %, in cores: as configured, else what the machine or container grants} */
    public double cpuCores() {
        return built.cpuCores();
    }

    /** {@return the denominator of the heap %, in bytes: as configured, else the maximum heap} */
    public long memoryLimit() {
        return built.memoryLimit();
    }

    /** {@return the length of a CPU or allocation capture} */
    public Duration samplingTime() {
        return built.samplingTime();
    }

    /** {@return how far back every event looks; {@link Duration#ZERO} when look-back is off} */
    public Duration lookBack() {
        return built.lookBack();
    }

    /**
     * The configuration in force: as built, with the run-time changes made since (collect interval, rules, which
     * triggers are on, cpuMax). A snapshot; later changes make a new one.
     *
     * @return a new immutable snapshot on each call
     */
    public HolmesConfig config() {
        List<Trigger> triggers = new ArrayList<>(built.triggers().size());
        Set<String> enabled = new LinkedHashSet<>();
        for (int i = 0; i < built.triggers().size(); i++) {
            Trigger t = built.triggers().get(i);
            triggers.add(Trigger.of(t.name(), t.probe(), rules.rule(i), t.captures()));
            if (rules.isEnabled(i)) {
                enabled.add(t.name());
            }
        }
        HolmesConfig c = built;
        return new HolmesConfig(collectInterval, c.cpuCores(), c.memoryLimit(), c.rssLimit(), c.dumpPath(),
                c.samplingTime(), c.cpuSamplingInterval(), c.allocSamplingInterval(), c.heapDump(), c.lookBack(),
                rules.cpuMax(), triggers, enabled, c.maxEvents(), c.maxBytes(), c.reporterQueueCapacity(),
                c.closeTimeout(), c.reporters());
    }

    /**
     * Whether the look-back recording runs, so that events get their window before the trigger: false while it
     * starts (shortly after {@link #start()}), when look-back is off, and in a JVM without Flight Recorder.
     *
     * @return true while the look-back recording runs
     */
    public boolean isLookBackRecording() {
        Pipeline current = run;
        return current != null && current.isLookBackRecording();
    }

    /**
     * Bytes under the dump directory after the latest check (at start and after each capture): events, recordings
     * in progress, and what a process that died left until it is swept.
     *
     * @return a byte count, 0 before the first check
     */
    public long bytesOnDisk() {
        return dumpDirectory.bytesOnDisk();
    }

    /**
     * Events dropped without a final attempt, since this instance was built: Holmes' reporter queue was full, or a
     * {@link CountingReporter} dropped them (its own queue full, closing, or too old for the destination).
     *
     * @return a count of events, never decreasing
     */
    public long droppedReports() {
        return counters.droppedReports.get() + sum(CountingReporter::droppedUploads);
    }

    /**
     * Reporter calls that threw, plus the events {@link CountingReporter}s gave up on, since this instance was built.
     *
     * @return a count of events, never decreasing
     */
    public long failedReports() {
        return counters.failedReports.get() + sum(CountingReporter::failedUploads);
    }

    /**
     * Attempts beyond the first that {@link CountingReporter}s made, since this instance was built.
     *
     * @return a count of attempts, never decreasing; 0 without counting reporters
     */
    public long retriedReports() {
        return sum(CountingReporter::retriedUploads);
    }

    /**
     * Collect ticks completed (readings taken and decided on), since this instance was built; it keeps counting
     * across {@link #stop()} and {@link #start()}.
     *
     * @return a count of ticks, never decreasing
     */
    public long ticks() {
        return counters.ticks.get();
    }

    /**
     * Events delivered, since this instance was built: plain reporter calls that returned normally, plus the
     * events {@link CountingReporter}s saw accepted (an upload counts when the server answered 2xx, not when it
     * was queued).
     *
     * @return a count of events, never decreasing
     */
    public long deliveredReports() {
        return counters.deliveredReports.get() + sum(CountingReporter::deliveredUploads);
    }

    private long sum(ToLongFunction<CountingReporter> count) {
        long total = 0;
        for (ProfileReporter reporter : built.reporters()) {
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

    /** One read-decide pass on the caller's thread; package-private so tests can drive ticks by hand. */
    void tick(Pipeline current) {
        current.tick();
    }

    Pipeline currentRun() {
        return run;
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

        /**
         * How often to take readings; default 5 s.
         *
         * @param interval 10 ms to 1 h
         * @return this builder
         */
        public Builder collectInterval(Duration interval) {
            this.collectInterval = interval;
            return this;
        }

        /**
         * Denominator of the CPU %; default: the container's CPU quota, else the available processors. A value below
         * the real count lets the CPU % pass 100.
         *
         * @param cores a finite number of cores above 0 and at most 100,000; fractions such as 1.5 are allowed
         * @return this builder
         */
        public Builder cpuCores(double cores) {
            this.cpuCores = cores;
            return this;
        }

        /**
         * Denominator of the heap %, in bytes; default: the maximum heap ({@code -Xmx}), else the machine's memory.
         *
         * @param bytes a positive number of bytes
         * @return this builder
         */
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
         *
         * @param path a directory, or a path where one may be created; not {@code null}, not a regular file, and
         *             without a {@code ','} in its absolute form (async-profiler's argument separator)
         * @return this builder
         */
        public Builder dumpPath(Path path) {
            this.dumpPath = path;
            return this;
        }

        /**
         * Length of a CPU or allocation capture; default 5 s. Thread dumps are taken at once and do not use it.
         *
         * @param time 100 ms to 10 min
         * @return this builder
         */
        public Builder samplingTime(Duration time) {
            this.samplingTime = time;
            return this;
        }

        /**
         * CPU time between two CPU samples of a thread during a CPU capture; default 10 ms.
         *
         * @param interval 1 ms to 1 s; shorter means finer profiles and a higher cost while the capture runs
         * @return this builder
         */
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
         *
         * @param bytes 0 for a rate-based choice, else 1024 to 1073741824
         * @return this builder
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
         *
         * @param enabled true to add a heap dump to every MEM capture
         * @return this builder
         */
        public Builder heapDump(boolean enabled) {
            this.heapDump = enabled;
            return this;
        }

        /**
         * Enables the CPU rule with these thresholds (see {@link Rule} for how they combine). Without this call the
         * CPU rule is off, with {@link Rule#defaults(DumpType)} kept for {@link Holmes#enable(DumpType)}.
         *
         * @param min      CPU % (of {@link #cpuCores(double)}) below which a reading never captures, 0 to 10,000
         * @param diff     percent above the average of the previous readings at which a reading captures, 0 to 10,000
         * @param abs      CPU % above which a reading always captures, 0 to 10,000 and not below {@code min}
         * @param cooldown how long the rule rests after a capture; zero or more
         * @return this builder
         */
        public Builder cpuDump(int min, int diff, int abs, Duration cooldown) {
            return rule(DumpType.CPU, min, diff, abs, 0, cooldown);
        }

        /**
         * Enables the heap rule with these thresholds (see {@link Rule} for how they combine); readings are heap in
         * use as a percentage of {@link #memoryLimit(long)}. Without this call the heap rule is off, with
         * {@link Rule#defaults(DumpType)} kept for {@link Holmes#enable(DumpType)}.
         *
         * @param min      heap % below which a reading never captures, 0 to 10,000
         * @param diff     percent above the average of the previous readings at which a reading captures, 0 to 10,000
         * @param abs      heap % above which a reading always captures, 0 to 10,000 and not below {@code min}
         * @param cooldown how long the rule rests after a capture; zero or more
         * @return this builder
         */
        public Builder memDump(int min, int diff, int abs, Duration cooldown) {
            return rule(DumpType.MEM, min, diff, abs, 0, cooldown);
        }

        /**
         * Enables the thread rule with these thresholds (see {@link Rule} for how they combine); readings are live
         * thread counts. Without this call the thread rule is off, with {@link Rule#defaults(DumpType)} kept for
         * {@link Holmes#enable(DumpType)}.
         *
         * @param min      thread count below which a reading never captures; zero or more
         * @param diff     percent above the average of the previous readings at which a reading captures, 0 to 10,000
         * @param abs      thread count above which a reading always captures; not below {@code min}
         * @param max      thread count at or above which a reading never captures, because the dump itself would
         *                 pause the application too long; above {@code min}, or 0 for no ceiling
         * @param cooldown how long the rule rests after a capture; zero or more
         * @return this builder
         */
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
         *
         * @param min      percent below which a reading never captures, 0 to 10,000
         * @param diff     percent above the average of the previous readings at which a reading captures, 0 to 10,000
         * @param abs      percent above which a reading always captures, 0 to 10,000 and not below {@code min}
         * @param cooldown how long the trigger rests after a capture; zero or more
         * @return this builder
         */
        public Builder gcHeapDump(int min, int diff, int abs, Duration cooldown) {
            builtIns.put(Trigger.GC_HEAP, new RuleDraft(min, diff, abs, 0, cooldown));
            return this;
        }

        /**
         * Enables the {@code gc-time} trigger: percent of wall time spent in GC pauses since the previous reading
         * (min %, diff %, abs %, cooldown). Captures CPU and MEM in one profiling session.
         *
         * @param min      percent of wall time below which a reading never captures, 0 to 10,000
         * @param diff     percent above the average of the previous readings at which a reading captures, 0 to 10,000
         * @param abs      percent of wall time above which a reading always captures, 0 to 10,000 and not below
         *                 {@code min}
         * @param cooldown how long the trigger rests after a capture; zero or more
         * @return this builder
         */
        public Builder gcTimeDump(int min, int diff, int abs, Duration cooldown) {
            builtIns.put(Trigger.GC_TIME, new RuleDraft(min, diff, abs, 0, cooldown));
            return this;
        }

        /**
         * Enables the {@code rss} trigger: resident memory in percent of {@link #rssLimit(long)} (min %, diff %,
         * abs %, cooldown). Captures MEM plus {@code mem.<stamp>.memory.txt}, where the resident memory is and which
         * part grew.
         *
         * @param min      percent below which a reading never captures, 0 to 10,000
         * @param diff     percent above the average of the previous readings at which a reading captures, 0 to 10,000
         * @param abs      percent above which a reading always captures, 0 to 10,000 and not below {@code min}
         * @param cooldown how long the trigger rests after a capture; zero or more
         * @return this builder
         */
        public Builder rssDump(int min, int diff, int abs, Duration cooldown) {
            builtIns.put(Trigger.RSS, new RuleDraft(min, diff, abs, 0, cooldown));
            return this;
        }

        /**
         * Denominator of the rss %, in bytes; default the memory limit of the process's cgroup (v2
         * {@code memory.max}, v1 {@code memory.limit_in_bytes}), else physical memory.
         *
         * @param bytes a positive number of bytes
         * @return this builder
         */
        public Builder rssLimit(long bytes) {
            this.rssLimit = bytes;
            return this;
        }

        /**
         * Adds an application trigger, read after the built-in ones; its name must not be taken by another trigger or
         * a built-in one. It is on from the start.
         *
         * @param trigger a trigger from {@link Trigger#builder}; {@code null} is reported by {@link #build()}
         * @return this builder
         */
        public Builder trigger(Trigger trigger) {
            if (trigger == null) {
                nullTrigger = true;
            } else {
                triggers.add(trigger);
            }
            return this;
        }

        /**
         * No capture of any kind while CPU % is at or above this: such a reading vetoes every trigger for that tick,
         * and a manual {@link Holmes#dump(DumpType)} while the latest reading is at or above it fails. 0 (default)
         * turns the veto off. Keep each CPU rule's {@code abs} below it, or the {@code abs} branch can never fire.
         *
         * @param percent percent of {@link #cpuCores(double)}, 0 to 10,000
         * @return this builder
         */
        public Builder cpuMax(int percent) {
            this.cpuMax = percent;
            return this;
        }

        /**
         * Adds a reporter. The dump-directory writer always runs first; reporters are then called in the order
         * added, once the event's files are on disk. A reporter that is {@link AutoCloseable} is closed by
         * {@link Holmes#close()}.
         *
         * @param reporter the reporter; {@code null} is reported by {@link #build()}
         * @return this builder
         */
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
         *
         * @param maxEvents at least 1
         * @param maxBytes  at least 1048576 (1 MiB)
         * @return this builder
         */
        public Builder dumpBudget(int maxEvents, long maxBytes) {
            this.maxEvents = maxEvents;
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * How many finished events may wait for slow reporters before the oldest is dropped; default 64. Drops are
         * counted in {@link Holmes#droppedReports()}.
         *
         * @param capacity 1 to 100,000
         * @return this builder
         */
        public Builder reporterQueueCapacity(int capacity) {
            this.reporterQueueCapacity = capacity;
            return this;
        }

        /**
         * How long {@link Holmes#stop()} and {@link Holmes#close()} wait for captures and reporters; default 5 s.
         *
         * @param timeout above 0 and at most 5 min
         * @return this builder
         */
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
         *
         * @param lookBack {@link Duration#ZERO}, or 1 s to 10 min
         * @return this builder
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
         * Every problem with the options set so far, each on the builder option it is about ({@code collectInterval},
         * {@code cpuDump.min}, {@code dumpBudget.maxBytes}, {@code trigger(name).abs}, ...) with the refused value.
         * Empty when {@link #build()} would succeed. Integrations use it to report problems against their own
         * settings without reading the messages.
         *
         * @return a new list, in the order the options are checked
         */
        public List<Problem> problems() {
            List<Problem> problems = new ArrayList<>();
            rules(problems);
            return problems;
        }

        /**
         * Checks every option and builds. Nothing runs yet: no thread starts and nothing is written until
         * {@link Holmes#start()}.
         *
         * @return a new, stopped Holmes
         * @throws IllegalArgumentException naming every bad option and value at once, as {@link #problems()} lists
         *                                  them
         */
        public Holmes build() {
            List<Problem> problems = new ArrayList<>();
            Map<DumpType, Rule> rules = rules(problems);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid Holmes configuration: " + Problem.messages(problems));
            }
            double cores = cpuCores != null ? cpuCores : CpuQuota.defaultCores();
            long limit = memoryLimit != null ? memoryLimit : defaultMemoryLimit();
            long rss = rssLimit != null ? rssLimit : CgroupMemory.defaultLimit();
            ProcessProbe process = probe != null ? probe : new JvmProcessProbe(cores, limit, nanoTime);
            // Triggers in the order they are read: the original three first (their readings exist whether or not
            // their rule is on), then the configured built-ins, then the user's.
            List<Trigger> all = new ArrayList<>();
            Set<String> enabled = new LinkedHashSet<>();
            all.add(Trigger.of(Trigger.CPU, process::cpuPercent, rules.get(DumpType.CPU), EnumSet.of(DumpType.CPU)));
            all.add(Trigger.of(Trigger.MEM, process::heapPercent, rules.get(DumpType.MEM), EnumSet.of(DumpType.MEM)));
            all.add(Trigger.of(Trigger.THREAD, process::threadCount, rules.get(DumpType.THREAD),
                    EnumSet.of(DumpType.THREAD)));
            for (DumpType type : configured) {
                enabled.add(type.fileTag());
            }
            BuiltInTriggers.Context context = new BuiltInTriggers.Context(limit, rss, nanoTime);
            for (Map.Entry<String, RuleDraft> draft : builtIns.entrySet()) {
                BuiltInTriggers.Spec spec = BuiltInTriggers.spec(draft.getKey());
                RuleDraft d = draft.getValue();
                all.add(Trigger.of(spec.name(), spec.probe().apply(context),
                        Rule.of(d.min(), d.diff(), d.abs(), 0, d.cooldown()), spec.captures()));
                enabled.add(spec.name());
            }
            for (Trigger trigger : triggers) {
                all.add(trigger);
                enabled.add(trigger.name());
            }
            HolmesConfig config = new HolmesConfig(collectInterval, cores, limit, rss, dumpPath, samplingTime,
                    cpuSamplingInterval, allocSamplingInterval, heapDump, lookBack, cpuMax, all, enabled, maxEvents,
                    maxBytes, reporterQueueCapacity, closeTimeout, reporters);
            return new Holmes(config, process, nanoTime, clock, flightRecorderAvailable);
        }

        /** Checks every option into {@code problems} and returns the rules in force (defaults where unset). */
        private Map<DumpType, Rule> rules(List<Problem> problems) {
            checkInterval(problems, collectInterval);
            if (cpuCores != null && (!Double.isFinite(cpuCores) || cpuCores <= 0 || cpuCores > 100_000)) {
                problems.add(new Problem("cpuCores", cpuCores, "must be a finite number above 0, but was " + cpuCores));
            }
            if (memoryLimit != null && memoryLimit <= 0) {
                problems.add(new Problem("memoryLimit", memoryLimit,
                        "must be a positive number of bytes, but was " + memoryLimit));
            }
            if (dumpPath == null) {
                problems.add(new Problem("dumpPath", null, "must not be null"));
            } else if (Files.exists(dumpPath) && !Files.isDirectory(dumpPath)) {
                problems.add(new Problem("dumpPath", dumpPath, "must be a directory, but " + dumpPath + " is a file"));
            } else if (dumpPath.toAbsolutePath().toString().indexOf(',') >= 0) {
                problems.add(new Problem("dumpPath", dumpPath,
                        "must not contain ',' (async-profiler's argument separator), but was " + dumpPath));
            }
            if (samplingTime == null) {
                problems.add(new Problem("samplingTime", null, "must not be null"));
            } else if (samplingTime.compareTo(Duration.ofMillis(100)) < 0 || samplingTime.compareTo(Duration.ofMinutes(10)) > 0) {
                problems.add(new Problem("samplingTime", samplingTime,
                        "must be between 100ms and 10m, but was " + samplingTime));
            }
            if (lookBack == null) {
                problems.add(new Problem("lookBack", null, "must not be null (Duration.ZERO turns it off)"));
            } else if (lookBack.isNegative() || (!lookBack.isZero() && lookBack.compareTo(Duration.ofSeconds(1)) < 0)
                    || lookBack.compareTo(MAX_LOOK_BACK) > 0) {
                problems.add(new Problem("lookBack", lookBack,
                        "must be 0 (off) or between 1s and 10m, but was " + lookBack));
            }
            if (cpuSamplingInterval == null) {
                problems.add(new Problem("cpuSamplingInterval", null, "must not be null"));
            } else if (cpuSamplingInterval.compareTo(Duration.ofMillis(1)) < 0
                    || cpuSamplingInterval.compareTo(Duration.ofSeconds(1)) > 0) {
                problems.add(new Problem("cpuSamplingInterval", cpuSamplingInterval,
                        "must be between 1ms and 1s, but was " + cpuSamplingInterval));
            }
            if (allocSamplingInterval != 0
                    && (allocSamplingInterval < 1024 || allocSamplingInterval > 1024L * 1024 * 1024)) {
                problems.add(new Problem("allocSamplingInterval", allocSamplingInterval,
                        "must be 0 (chosen from the allocation rate) or between 1024 and 1073741824 bytes, but was "
                                + allocSamplingInterval));
            }
            Map<DumpType, Rule> rules = new EnumMap<>(DumpType.class);
            for (DumpType type : DumpType.values()) {
                rules.put(type, Rule.defaults(type));
            }
            for (Map.Entry<DumpType, RuleDraft> draft : drafts.entrySet()) {
                DumpType type = draft.getKey();
                RuleDraft d = draft.getValue();
                List<Problem> ruleProblems = Rule.check(Rule.optionName(type), type, d.min(), d.diff(), d.abs(), d.max(),
                        d.cooldown());
                if (ruleProblems.isEmpty()) {
                    rules.put(type, new Rule(type, d.min(), d.diff(), d.abs(), d.max(), d.cooldown()));
                }
                problems.addAll(ruleProblems);
            }
            for (Map.Entry<String, RuleDraft> draft : builtIns.entrySet()) {
                RuleDraft d = draft.getValue();
                problems.addAll(Rule.check(BuiltInTriggers.spec(draft.getKey()).option(), d.min(), d.diff(), d.abs(), d.max(),
                        false, Rule.MAX_PERCENT, d.cooldown()));
            }
            if (rssLimit != null && rssLimit <= 0) {
                problems.add(new Problem("rssLimit", rssLimit, "must be a positive number of bytes, but was " + rssLimit));
            }
            if (nullTrigger) {
                problems.add(new Problem("trigger", null, "must not be null"));
            }
            List<String> names = new ArrayList<>();
            for (Trigger trigger : triggers) {
                String option = "trigger(" + trigger.name() + ")";
                if (BuiltInTriggers.isReserved(trigger.name())) {
                    problems.add(new Problem(option + ".name", trigger.name(),
                            "belongs to a built-in trigger; choose another"));
                } else if (names.contains(trigger.name())) {
                    problems.add(new Problem(option + ".name", trigger.name(),
                            "is used twice; trigger names must be unique"));
                }
                names.add(trigger.name());
            }
            if (cpuMax < 0 || cpuMax > Rule.MAX_PERCENT) {
                problems.add(new Problem("cpuMax", cpuMax,
                        "must be between 0 and " + Rule.MAX_PERCENT + ", but was " + cpuMax));
            }
            if (nullReporter) {
                problems.add(new Problem("reporter", null, "must not be null"));
            }
            if (maxEvents < 1) {
                problems.add(new Problem("dumpBudget.maxEvents", maxEvents, "must be at least 1, but was " + maxEvents));
            }
            if (maxBytes < 1024 * 1024) {
                problems.add(new Problem("dumpBudget.maxBytes", maxBytes,
                        "must be at least 1048576 (1 MiB), but was " + maxBytes));
            }
            if (reporterQueueCapacity < 1 || reporterQueueCapacity > 100_000) {
                problems.add(new Problem("reporterQueueCapacity", reporterQueueCapacity,
                        "must be between 1 and 100000, but was " + reporterQueueCapacity));
            }
            if (closeTimeout == null) {
                problems.add(new Problem("closeTimeout", null, "must not be null"));
            } else if (closeTimeout.isNegative() || closeTimeout.isZero() || closeTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                problems.add(new Problem("closeTimeout", closeTimeout,
                        "must be above 0 and at most 5m, but was " + closeTimeout));
            }
            return rules;
        }

        static void checkInterval(List<Problem> problems, Duration interval) {
            if (interval == null) {
                problems.add(new Problem("collectInterval", null, "must not be null"));
            } else if (interval.compareTo(MIN_COLLECT_INTERVAL) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
                problems.add(new Problem("collectInterval", interval, "must be between 10ms and 1h, but was " + interval));
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

        /** A rule as the builder received it, checked at {@link #build()}. */
        private record RuleDraft(int min, int diff, int abs, int max, Duration cooldown) {
        }
    }
}
