package io.holmes.decide;

import io.holmes.DumpType;
import io.holmes.Rule;
import io.holmes.collect.ProcessProbe;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the rules to each tick's readings. Holds one {@link Window} per metric and each rule's cooldown;
 * a new Detector is made for every start, so a restart warms up again. Readings enter the windows whether
 * or not their rule is enabled; the decision is made against the previous readings, and the current
 * reading is added afterwards. Time is passed in by the caller (monotonic nanoseconds), never read here.
 */
public final class Detector {

    private static final Logger LOG = LoggerFactory.getLogger(Detector.class);
    private static final DumpType[] TYPES = DumpType.values();

    private final RuleBook book;
    private final Window[] windows = new Window[TYPES.length];
    private final int[] latest = new int[TYPES.length];
    private final boolean[] cooling = new boolean[TYPES.length];
    private final long[] cooldownStart = new long[TYPES.length];

    public Detector(RuleBook book) {
        this.book = book;
        for (int i = 0; i < TYPES.length; i++) {
            windows[i] = new Window();
            latest[i] = ProcessProbe.NO_READING;
        }
    }

    /**
     * Decides on one tick's readings ({@link ProcessProbe#NO_READING} for a reading that could not be taken)
     * and calls {@code sink} for each rule that fires.
     */
    public synchronized void onReadings(long nowNanos, int cpu, int mem, int threads, TriggerSink sink) {
        int cpuMax = book.cpuMax();
        boolean vetoed = cpuMax > 0 && cpu != ProcessProbe.NO_READING && cpu >= cpuMax;
        decide(DumpType.CPU, cpu, nowNanos, vetoed, sink);
        decide(DumpType.MEM, mem, nowNanos, vetoed, sink);
        decide(DumpType.THREAD, threads, nowNanos, vetoed, sink);
        if (vetoed && LOG.isDebugEnabled()) {
            LOG.debug("captures vetoed: CPU {}% >= cpuMax {}%", cpu, cpuMax);
        }
    }

    private void decide(DumpType type, int cur, long now, boolean vetoed, TriggerSink sink) {
        if (cur == ProcessProbe.NO_READING) {
            return;
        }
        int i = type.ordinal();
        Window window = windows[i];
        Rule rule = book.rule(type);
        if (book.isEnabled(type) && !vetoed && !inCooldown(i, rule, now)) {
            Verdict verdict = Verdict.judge(rule, cur, window.size(), window.average());
            if (verdict.fires()) {
                cooling[i] = true;
                cooldownStart[i] = now;
                sink.trigger(rule, verdict.reason(), cur, window.average(), window.toList());
            } else if (verdict == Verdict.AT_MAX) {
                LOG.debug("{} reading {} is at or above max {}: no capture", type, cur, rule.max());
            }
        }
        window.add(cur);
        latest[i] = cur;
    }

    private boolean inCooldown(int i, Rule rule, long now) {
        return cooling[i] && now - cooldownStart[i] < rule.cooldownNanos();
    }

    /** The state of one metric at {@code nowNanos}, consistent with the last completed tick. */
    public synchronized MetricState state(DumpType type, long nowNanos) {
        int i = type.ordinal();
        Rule rule = book.rule(type);
        Duration left = Duration.ZERO;
        if (inCooldown(i, rule, nowNanos)) {
            left = Duration.ofNanos(rule.cooldownNanos() - (nowNanos - cooldownStart[i]));
        }
        Window window = windows[i];
        return new MetricState(type, latest[i], window.average(), window.toList(), rule, book.isEnabled(type), left);
    }
}
