package io.holmes.internal.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.DumpType;
import io.holmes.Reason;
import io.holmes.Rule;
import io.holmes.internal.collect.ProcessProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rule semantics of {@link DetectorTest}, held by a trigger that is none of the original three: warm-up, the
 * average of the previous readings only, ABS before DIFF, min, max, its own cooldown and window, the cpuMax veto,
 * disabled triggers filling their window, and skipped readings.
 */
class UserTriggerRulesTest {

    private static final long SECOND = 1_000_000_000L;
    private static final int QUEUE = 3;
    private static final int LATENCY = 4;

    record Fired(String trigger, Reason reason, int current, int average, List<Integer> window) {
    }

    private final List<Fired> fired = new ArrayList<>();
    private RuleBook book;
    private Detector detector;
    private final TriggerSink sink = (trigger, rule, reason, current, average, window) ->
            fired.add(new Fired(book.name(trigger), reason, current, average, window));
    private long now;

    @BeforeEach
    void setUp() {
        book = new RuleBook(List.of(
                new RuleBook.Entry("cpu", Rule.cpu(20, 100, 90, Duration.ofSeconds(60)), Set.of(DumpType.CPU), false),
                new RuleBook.Entry("mem", Rule.mem(30, 50, 95, Duration.ofSeconds(60)), Set.of(DumpType.MEM), false),
                new RuleBook.Entry("thread", Rule.thread(100, 100, 5000, 0, Duration.ofSeconds(60)),
                        Set.of(DumpType.THREAD), false),
                new RuleBook.Entry("queue", Rule.of(100, 100, 5000, 10_000, Duration.ofSeconds(60)),
                        EnumSet.of(DumpType.CPU, DumpType.THREAD), true),
                new RuleBook.Entry("latency", Rule.of(200, 50, 100_000, 0, Duration.ofSeconds(10)),
                        Set.of(DumpType.CPU), true)),
                0);
        detector = new Detector(book);
    }

    private void tick(int cpu, int queue, int latency) {
        now += SECOND;
        int[] readings = {cpu, 40, 50, queue, latency};
        detector.onReadings(now, readings, sink);
    }

    private void warmUp(int queue, int latency) {
        for (int i = 0; i < Window.CAPACITY; i++) {
            tick(10, queue, latency);
        }
    }

    @Test
    void warmUp_tenReadingsBeforeTheFirstDecision() {
        for (int i = 0; i < Window.CAPACITY; i++) {
            tick(10, 4000, 90_000);
        }
        assertThat(fired).isEmpty();
        tick(10, 4000, 90_000);
        assertThat(fired).isEmpty();
    }

    @Test
    void averageExcludesTheCurrentReading_andTheEventNamesItsTrigger() {
        warmUp(100, 300);
        // avg of previous = 100, threshold 200; with the current reading in the average it would be 220.
        tick(10, 200, 300);
        assertThat(fired).containsExactly(new Fired("queue", Reason.DIFF, 200, 100, List.of(100, 100, 100, 100, 100,
                100, 100, 100, 100, 100)));
    }

    @Test
    void absBeforeDiff_minAndMax() {
        warmUp(4000, 300);
        tick(10, 5001, 300); // above abs, below the DIFF threshold 8000
        assertThat(fired).extracting(Fired::reason).containsExactly(Reason.ABS);
        fired.clear();
        setUp();
        warmUp(10, 300);
        tick(10, 99, 300); // far above the average, below min
        tick(10, 10_000, 300); // at max: a capture that large is itself a hazard
        assertThat(fired).isEmpty();
        tick(10, 9_999, 300);
        assertThat(fired).extracting(Fired::trigger, Fired::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("queue", Reason.ABS));
    }

    @Test
    void eachTriggerHasItsOwnCooldownAndWindow() {
        warmUp(100, 300);
        tick(10, 300, 300);
        tick(10, 300, 500); // latency fires although queue is cooling down
        assertThat(fired).extracting(Fired::trigger).containsExactly("queue", "latency");
        for (int i = 0; i < 58; i++) { // queue: up to 60 s after its capture, readings keep entering the window
            tick(10, 6000, 500);
        }
        assertThat(fired).extracting(Fired::trigger).filteredOn("queue"::equals).hasSize(1);
        assertThat(detector.state(QUEUE, now).window()).containsOnly(6000);
        assertThat(detector.state(QUEUE, now).cooldownLeft()).isEqualTo(Duration.ofSeconds(1));
        assertThat(detector.state(LATENCY, now).window()).containsOnly(500);
        tick(10, 6000, 500);
        assertThat(fired).extracting(Fired::trigger).filteredOn("queue"::equals).hasSize(2);
    }

    @Test
    void cpuMaxVetoesUserTriggers() {
        book.setCpuMax(95);
        warmUp(100, 300);
        tick(95, 4000, 90_000);
        assertThat(fired).isEmpty();
        tick(94, 4000, 90_000);
        assertThat(fired).extracting(Fired::trigger).containsExactly("queue", "latency");
    }

    @Test
    void disabledTriggerStillFillsItsWindow_andFiresRightAfterBeingEnabled() {
        book.setEnabled(QUEUE, false);
        warmUp(100, 300);
        tick(10, 4000, 300);
        assertThat(fired).isEmpty();
        assertThat(detector.state(QUEUE, now).window()).hasSize(10);
        book.setEnabled(QUEUE, true);
        tick(10, 8000, 300);
        assertThat(fired).extracting(Fired::trigger).containsExactly("queue");
    }

    @Test
    void skippedReadingIsNotCounted() {
        for (int i = 0; i < Window.CAPACITY - 1; i++) {
            tick(10, 100, 300);
        }
        tick(10, ProcessProbe.NO_READING, 300);
        assertThat(detector.state(QUEUE, now).window()).hasSize(9);
        tick(10, 4000, 300); // still warming up
        assertThat(fired).isEmpty();
        tick(10, 4000, 300);
        assertThat(fired).extracting(Fired::trigger).containsExactly("queue");
    }
}
