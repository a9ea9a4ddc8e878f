package io.holmes.internal;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.HolmesConfig;
import io.holmes.MetricState;
import io.holmes.Probe;
import io.holmes.Reason;
import io.holmes.Trigger;
import io.holmes.internal.capture.CaptureRequest;
import io.holmes.internal.capture.CaptureService;
import io.holmes.internal.capture.ConverterCompilation;
import io.holmes.internal.capture.Capturer;
import io.holmes.internal.capture.LookBackCapture;
import io.holmes.internal.capture.LookBackRecorder;
import io.holmes.internal.capture.MemoryReportCapturer;
import io.holmes.internal.capture.ProfileCapturer;
import io.holmes.internal.capture.ThreadDumpCapturer;
import io.holmes.internal.collect.ProbeLifecycle;
import io.holmes.internal.collect.ProcessProbe;
import io.holmes.internal.collect.ReadingLog;
import io.holmes.internal.decide.Detector;
import io.holmes.internal.decide.RuleBook;
import io.holmes.internal.decide.TriggerSink;
import io.holmes.internal.profiler.AsyncProfilerOwner;
import io.holmes.internal.report.ReporterDispatcher;
import io.holmes.internal.write.DumpDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that lives from one {@code start()} to the next {@code stop()}, in the order evidence flows: the
 * collector thread reads every trigger's probe ({@code collect}), the detector applies the rules ({@code decide}),
 * firings become capture requests ({@code capture}), finished events land in the dump directory ({@code write}) and
 * go to the reporters ({@code report}). The look-back recording runs beside them.
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger("io.holmes.Holmes");

    /** Room for about 17 minutes of readings at a 1 s interval: enough to cover the longest sampling time. */
    private static final int READING_LOG_TICKS = 1024;

    /**
     * What a pipeline is made of that outlives it: the configuration and the rule book (both change only through
     * Holmes' setters), the probes, the dump directory, the counters, and the clocks.
     *
     * @param config                  the configuration as built
     * @param rules                   the triggers' rules and flags in force, in {@code config.triggers()} order
     * @param process                 the probe behind the {@code cpu}, {@code mem} and {@code thread} triggers
     * @param dumpDirectory           where events are written
     * @param counters                Holmes' lifetime counters
     * @param collectInterval         the collect interval in force
     * @param nanoTime                the clock of readings and cooldowns
     * @param clock                   the clock of event times
     * @param flightRecorderAvailable whether Flight Recorder can be had (for the look-back recording)
     * @param warnings                where failed readings and ticks are logged, once per kind
     * @param lookBackWarnings        where look-back problems are logged, once per kind
     */
    public record Parts(HolmesConfig config, RuleBook rules, ProcessProbe process, DumpDirectory dumpDirectory,
                        Counters counters, Supplier<Duration> collectInterval, LongSupplier nanoTime, Clock clock,
                        BooleanSupplier flightRecorderAvailable, OnceLogger warnings, OnceLogger lookBackWarnings) {
    }

    private final Parts parts;
    private final RuleBook rules;
    private final Probe[] probes;
    private final Detector detector;
    private final ReadingLog readings;
    /** The readings of the tick in progress, one per trigger; touched only by the collector thread. */
    private final int[] tickReadings;
    /** Triggers of the tick in progress; touched only by the collector thread. */
    private final List<CaptureRequest> fired;
    private final ReporterDispatcher dispatcher;
    private final CaptureService captures;
    private final TriggerSink sink;
    /** The recording of the recent past, or {@code null} when look-back is off. */
    private final LookBackRecorder lookBackRecorder;
    private final ScheduledThreadPoolExecutor collector;
    /** The collector's first task, which prepares the dump directory; not a tick. */
    private final Future<?> opening;
    /** The pending tick, {@code null} while one runs; guarded by this pipeline's monitor, as are the fields below. */
    private ScheduledFuture<?> next;
    /** When {@link #next} is due, in {@link System#nanoTime()} time (the executor's). */
    private long nextDue;
    /** When the latest tick ended (or the run began). */
    private long lastEnd;
    private boolean stopped;
    /** How many ticks were armed; only the latest one may run. */
    private long armed;

    /** Opens the probes, starts the look-back recording and the capture, report and collector threads. */
    public Pipeline(Parts parts) {
        this.parts = parts;
        HolmesConfig config = parts.config();
        this.rules = parts.rules();
        this.probes = new Probe[config.triggers().size()];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = config.triggers().get(i).probe();
        }
        this.detector = new Detector(rules);
        this.readings = new ReadingLog(rules.names(), READING_LOG_TICKS);
        this.tickReadings = new int[probes.length];
        this.fired = new ArrayList<>(probes.length * DumpType.values().length);
        parts.process().reset();
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
        Counters counters = parts.counters();
        dispatcher = new ReporterDispatcher(config.reporters(), config.reporterQueueCapacity(),
                counters.droppedReports, counters.failedReports, counters.deliveredReports);
        Map<DumpType, Capturer> capturers = new EnumMap<>(DumpType.class);
        capturers.put(DumpType.THREAD, new ThreadDumpCapturer(parts.clock()));
        Capturer profiles = new ProfileCapturer(AsyncProfilerOwner.shared(), new ProfileCapturer.Settings(
                config.samplingTime(), config.cpuSamplingInterval(), config.allocSamplingInterval(), config.heapDump()));
        if (rules.index(Trigger.RSS) >= 0) {
            profiles = new MemoryReportCapturer(profiles, config.rssLimit());
        }
        capturers.put(DumpType.CPU, profiles);
        capturers.put(DumpType.MEM, profiles);
        lookBackRecorder = config.lookBack().isZero() ? null
                : LookBackRecorder.start(config.lookBack(), parts.flightRecorderAvailable(), parts.lookBackWarnings());
        captures = new CaptureService(capturers, parts.dumpDirectory(), readings, dispatcher::offer, parts.clock(), 8,
                Holmes.CAPTURE_FLOOR, parts.nanoTime(),
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
        // Before the first tick, off the caller's thread: check the dump directory, sweep what dead writers left;
        // keep the converters out of C2 (once per JVM).
        opening = collector.submit(() -> {
            ConverterCompilation.limitOnce();
            try {
                parts.dumpDirectory().open();
            } catch (Throwable e) {
                parts.warnings().warn("open", "Holmes could not prepare its dump directory: {}", e.toString());
            }
        });
        synchronized (this) {
            lastEnd = System.nanoTime();
            arm(parts.collectInterval().get().toNanos());
        }
    }

    /** One read-decide pass on the caller's thread; the collector calls it, and tests drive ticks by hand with it. */
    public void tick() {
        int[] values = tickReadings;
        for (int i = 0; i < probes.length; i++) {
            values[i] = read(i);
        }
        readings.append(values);
        detector.onReadings(parts.nanoTime().getAsLong(), values, sink);
        if (!fired.isEmpty()) {
            // Triggers of one tick go together, so that a CPU and a MEM capture can share one profiling session.
            captures.submitAll(List.copyOf(fired));
            fired.clear();
        }
        parts.counters().ticks.incrementAndGet();
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
            parts.warnings().warn(name, "Holmes could not take the {} reading; skipping it: {}", name, e.toString());
            return ProcessProbe.NO_READING;
        }
    }

    /**
     * A manual capture of {@code type}: its reading and average are those of the trigger of the same name, the
     * latest reading left out of the average as a rule would.
     */
    public CompletableFuture<DumpEvent> dump(DumpType type) {
        int cpuMax = rules.cpuMax();
        int cpu = detector.state(DumpType.CPU, parts.nanoTime().getAsLong()).latest();
        if (cpuMax > 0 && cpu != ProcessProbe.NO_READING && cpu >= cpuMax) {
            return CompletableFuture.failedFuture(new IllegalStateException("no capture while CPU % is at or above"
                    + " cpuMax: the latest reading is " + cpu + " %, cpuMax " + cpuMax + " %"));
        }
        CompletableFuture<DumpEvent> result = new CompletableFuture<>();
        MetricState state = detector.state(type, parts.nanoTime().getAsLong());
        List<Integer> previous = state.window();
        if (!previous.isEmpty() && state.latest() != ProcessProbe.NO_READING) {
            previous = previous.subList(0, previous.size() - 1);
        }
        captures.submit(new CaptureRequest(type, Reason.MANUAL, null, state.latest(), mean(previous), previous,
                result));
        return result;
    }

    /** Captures {@code requests} together, as the triggers of one tick would be. */
    public void submitAll(List<CaptureRequest> requests) {
        captures.submitAll(requests);
    }

    private static int mean(List<Integer> readings) {
        long sum = 0;
        for (int r : readings) {
            sum += r;
        }
        return readings.isEmpty() ? 0 : (int) (sum / readings.size());
    }

    /** The latest reading, window, rule and cooldown of the trigger at {@code index}. */
    public MetricState state(int index) {
        return detector.state(index, parts.nanoTime().getAsLong());
    }

    /** The recording of the recent past, or {@code null} when look-back is off. */
    public LookBackRecorder lookBackRecorder() {
        return lookBackRecorder;
    }

    /** Whether the look-back recording runs. */
    public boolean isLookBackRecording() {
        return lookBackRecorder != null && lookBackRecorder.isRecording();
    }

    /** Schedules the next tick {@code delayNanos} from now; the caller holds this pipeline's monitor. */
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
                    arm(parts.collectInterval().get().toNanos());
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
    public synchronized void reschedule(Duration interval) {
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
    public int pendingTicks() {
        // One look at the queue (its iterator works on a copy): until the collector thread has taken it, the
        // directory's preparation waits there too, and it is not a tick.
        int ticks = 0;
        for (Runnable task : collector.getQueue()) {
            if (task != opening) {
                ticks++;
            }
        }
        return ticks;
    }

    private void safeTick() {
        try {
            tick();
        } catch (Throwable e) {
            parts.warnings().warn("tick", "Holmes' collect tick failed; the next one will run: {}", e.toString(), e);
        }
    }

    /**
     * Stops collecting, aborts or finishes the capture in progress, stops the look-back recording, and lets the
     * reporters drain, all within about the close timeout; then releases the probes.
     */
    public void stop() {
        synchronized (this) {
            stopped = true;
        }
        collector.shutdownNow();
        Duration closeTimeout = parts.config().closeTimeout();
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        captures.shutdown(closeTimeout);
        if (lookBackRecorder != null) {
            lookBackRecorder.close(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
        }
        parts.dumpDirectory().close();
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
