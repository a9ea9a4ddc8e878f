package io.holmes.internal.decide;

import io.holmes.DumpType;
import io.holmes.MetricState;
import io.holmes.Rule;
import io.holmes.internal.collect.ProcessProbe;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the rules to each tick's readings. Holds one {@link Window} and one cooldown per trigger of the
 * {@link RuleBook}; a new Detector is made for every start, so a restart warms up again. Readings enter the windows
 * whether or not their rule is enabled; the decision is made against the previous readings, and the current
 * reading is added afterwards. Time is passed in by the caller (monotonic nanoseconds), never read here.
 */
public final class Detector {

    private static final Logger LOG = LoggerFactory.getLogger(Detector.class);

    private final RuleBook book;
    private final Window[] windows;
    private final int[] latest;
    private final boolean[] cooling;
    private final long[] cooldownStart;
    private final int[] scratch;

    public Detector(RuleBook book) {
        this.book = book;
        int n = book.size();
        windows = new Window[n];
        latest = new int[n];
        cooling = new boolean[n];
        cooldownStart = new long[n];
        scratch = new int[n];
        for (int i = 0; i < n; i++) {
            windows[i] = new Window();
            latest[i] = ProcessProbe.NO_READING;
        }
    }

    /** Decides on the readings of the three original triggers alone; every other trigger skips this tick. */
    public synchronized void onReadings(long nowNanos, int cpu, int mem, int threads, TriggerSink sink) {
        Arrays.fill(scratch, ProcessProbe.NO_READING);
        scratch[book.index(DumpType.CPU)] = cpu;
        scratch[book.index(DumpType.MEM)] = mem;
        scratch[book.index(DumpType.THREAD)] = threads;
        onReadings(nowNanos, scratch, sink);
    }

    /**
     * Decides on one tick's readings, one per trigger of the book in its order ({@link ProcessProbe#NO_READING}
     * for a reading that could not be taken), and calls {@code sink} for each rule that fires. The CPU reading
     * vetoes every trigger while it is at or above cpuMax.
     */
    public synchronized void onReadings(long nowNanos, int[] readings, TriggerSink sink) {
        int cpuMax = book.cpuMax();
        int cpu = readings[book.index(DumpType.CPU)];
        boolean vetoed = cpuMax > 0 && cpu != ProcessProbe.NO_READING && cpu >= cpuMax;
        for (int i = 0; i < windows.length; i++) {
            decide(i, readings[i], nowNanos, vetoed, sink);
        }
        if (vetoed && LOG.isDebugEnabled()) {
            LOG.debug("captures vetoed: CPU {}% >= cpuMax {}%", cpu, cpuMax);
        }
    }

    private void decide(int i, int cur, long now, boolean vetoed, TriggerSink sink) {
        if (cur == ProcessProbe.NO_READING) {
            return;
        }
        Window window = windows[i];
        Rule rule = book.rule(i);
        if (book.isEnabled(i) && !vetoed && !inCooldown(i, rule, now)) {
            Verdict verdict = Verdict.judge(rule, cur, window.size(), window.average());
            if (verdict.fires()) {
                cooling[i] = true;
                cooldownStart[i] = now;
                sink.trigger(i, rule, verdict.reason(), cur, window.average(), window.toList());
            } else if (verdict == Verdict.AT_MAX) {
                LOG.debug("{} reading {} is at or above max {}: no capture", book.name(i), cur, rule.max());
            }
        }
        window.add(cur);
        latest[i] = cur;
    }

    private boolean inCooldown(int i, Rule rule, long now) {
        return cooling[i] && now - cooldownStart[i] < rule.cooldownNanos();
    }

    /** The state of one original trigger at {@code nowNanos}, consistent with the last completed tick. */
    public MetricState state(DumpType type, long nowNanos) {
        return state(book.index(type), type, nowNanos);
    }

    /**
     * The state of the trigger at position {@code trigger}; its {@link MetricState#type()} is the first type it
     * captures.
     */
    public MetricState state(int trigger, long nowNanos) {
        return state(trigger, book.captures(trigger)[0], nowNanos);
    }

    private synchronized MetricState state(int i, DumpType type, long nowNanos) {
        Rule rule = book.rule(i);
        Duration left = Duration.ZERO;
        if (inCooldown(i, rule, nowNanos)) {
            left = Duration.ofNanos(rule.cooldownNanos() - (nowNanos - cooldownStart[i]));
        }
        Window window = windows[i];
        return new MetricState(type, latest[i], window.average(), window.toList(), rule, book.isEnabled(i), left);
    }
}
