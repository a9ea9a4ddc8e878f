package io.holmes.internal.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.DumpType;
import io.holmes.MetricState;
import io.holmes.Reason;
import io.holmes.Rule;
import io.holmes.internal.collect.ProcessProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules applied over time: warm-up, the window, cooldowns and the cpuMax veto, on a fake clock. */
class DetectorTest {

    private static final long SECOND = 1_000_000_000L;

    record Fired(DumpType type, Reason reason, int current, int average, List<Integer> window) {
    }

    private final List<Fired> fired = new ArrayList<>();
    private final TriggerSink sink = (trigger, rule, reason, current, average, window) ->
            fired.add(new Fired(rule.type(), reason, current, average, window));
    private RuleBook book;
    private Detector detector;
    private long now;

    @BeforeEach
    void setUp() {
        book = new RuleBook(List.of(
                Rule.cpu(20, 100, 90, Duration.ofSeconds(60)),
                Rule.mem(30, 50, 95, Duration.ofSeconds(60)),
                Rule.thread(100, 100, 5000, 10_000, Duration.ofSeconds(60))),
                EnumSet.allOf(DumpType.class), 0);
        detector = new Detector(book);
        now = 0;
    }

    private void tick(int cpu, int mem, int threads) {
        now += SECOND;
        detector.onReadings(now, cpu, mem, threads, sink);
    }

    private void warmUp(int cpu, int mem, int threads) {
        for (int i = 0; i < Window.CAPACITY; i++) {
            tick(cpu, mem, threads);
        }
    }

    @Test
    void warmUp_tenReadingsBeforeTheFirstDecision() {
        for (int i = 0; i < Window.CAPACITY; i++) {
            tick(85, 85, 4000); // far above every DIFF threshold of a zero average
        }
        assertThat(fired).isEmpty();
        tick(85, 85, 4000);
        assertThat(fired).isEmpty(); // a flat line is no jump
        tick(89, 85, 4000);
        assertThat(fired).isEmpty();
    }

    @Test
    void firesOnTheFirstAnomalousReadingAfterWarmUp() {
        warmUp(10, 40, 50);
        tick(25, 40, 50); // cpu: 25 >= 10 * 200 / 100
        assertThat(fired).containsExactly(new Fired(DumpType.CPU, Reason.DIFF, 25, 10, List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10)));
    }

    @Test
    void averageExcludesTheCurrentReading() {
        warmUp(10, 40, 100);
        // threads: avg of previous = 100, threshold 200. Were the current reading included, the average
        // of the last ten would be (9 * 100 + 200) / 10 = 110 and the threshold 220: no capture.
        tick(10, 40, 200);
        assertThat(fired).extracting(Fired::type, Fired::reason, Fired::average)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DumpType.THREAD, Reason.DIFF, 100));
    }

    @Test
    void currentReadingEntersTheWindowAfterTheDecision() {
        warmUp(10, 40, 100);
        tick(10, 40, 150);
        MetricState threads = detector.state(DumpType.THREAD, now);
        assertThat(threads.latest()).isEqualTo(150);
        assertThat(threads.window()).hasSize(10).endsWith(150);
        assertThat(threads.average()).isEqualTo(105);
    }

    @Test
    void absReason() {
        warmUp(80, 40, 100);
        tick(91, 40, 100); // 91 > abs 90, below the DIFF threshold 160
        assertThat(fired).extracting(Fired::reason).containsExactly(Reason.ABS);
    }

    @Test
    void cooldown_ruleRestsButReadingsKeepEnteringTheWindow() {
        warmUp(10, 40, 50);
        tick(50, 40, 50);
        assertThat(fired).hasSize(1);
        for (int i = 0; i < 59; i++) { // up to 59 s after the capture
            tick(95, 40, 50);
        }
        assertThat(fired).hasSize(1);
        MetricState cpu = detector.state(DumpType.CPU, now);
        assertThat(cpu.window()).containsOnly(95);
        assertThat(cpu.cooldownLeft()).isEqualTo(Duration.ofSeconds(1));
        tick(95, 40, 50); // exactly 60 s later: the cooldown is over; 95 > abs
        assertThat(fired).hasSize(2);
        assertThat(fired.get(1).reason()).isEqualTo(Reason.ABS);
        assertThat(detector.state(DumpType.CPU, now).cooldownLeft()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void cooldownIsPerRule() {
        warmUp(10, 40, 50);
        tick(50, 40, 50);
        tick(50, 40, 500);
        assertThat(fired).extracting(Fired::type).containsExactly(DumpType.CPU, DumpType.THREAD);
    }

    @Test
    void cooldownChangedAtRunTimeAppliesToTheRunningCooldown() {
        warmUp(10, 40, 50);
        tick(50, 40, 50);
        book.setRule(Rule.cpu(20, 100, 90, Duration.ofSeconds(2)));
        tick(95, 40, 50);
        assertThat(fired).hasSize(1);
        tick(95, 40, 50);
        assertThat(fired).hasSize(2);
    }

    @Test
    void cpuMaxVetoesEveryCaptureAndStartsNoCooldown() {
        book.setCpuMax(95);
        warmUp(10, 40, 50);
        tick(95, 90, 500);
        assertThat(fired).isEmpty();
        assertThat(detector.state(DumpType.THREAD, now).cooldownLeft()).isZero();
        tick(94, 90, 1000); // below the veto: every rule may fire again
        assertThat(fired).extracting(Fired::type).containsExactly(DumpType.CPU, DumpType.MEM, DumpType.THREAD);
    }

    @Test
    void cpuMaxZeroIsOff() {
        warmUp(10, 40, 50);
        tick(100, 40, 50);
        assertThat(fired).hasSize(1);
    }

    @Test
    void disabledRuleStillFillsItsWindow_andFiresRightAfterBeingEnabled() {
        book.setEnabled(DumpType.THREAD, false);
        warmUp(10, 40, 50);
        tick(10, 40, 500);
        assertThat(fired).isEmpty();
        assertThat(detector.state(DumpType.THREAD, now).window()).hasSize(10);
        book.setEnabled(DumpType.THREAD, true);
        tick(10, 40, 2000);
        assertThat(fired).extracting(Fired::type).containsExactly(DumpType.THREAD);
    }

    @Test
    void thresholdsChangedAtRunTimeApplyToTheNextReading() {
        warmUp(10, 40, 50);
        tick(19, 40, 50);
        assertThat(fired).isEmpty();
        book.setRule(Rule.cpu(5, 50, 90, Duration.ofSeconds(60)));
        tick(19, 40, 50);
        assertThat(fired).extracting(Fired::reason).containsExactly(Reason.DIFF);
    }

    @Test
    void atMaxSuppressesTheCaptureWithoutACooldown() {
        warmUp(10, 40, 50);
        tick(10, 40, 10_000);
        assertThat(fired).isEmpty();
        tick(10, 40, 9_999);
        assertThat(fired).extracting(Fired::type).containsExactly(DumpType.THREAD);
    }

    @Test
    void missingReadingIsSkippedNotCounted() {
        for (int i = 0; i < Window.CAPACITY - 1; i++) {
            tick(10, 40, 50);
        }
        tick(10, ProcessProbe.NO_READING, 50);
        assertThat(detector.state(DumpType.MEM, now).window()).hasSize(9);
        tick(10, 90, 50); // the heap window is still warming up
        assertThat(fired).isEmpty();
        tick(10, 90, 50);
        assertThat(fired).extracting(Fired::type).containsExactly(DumpType.MEM);
    }

    @Test
    void missingCpuReadingDoesNotVeto() {
        book.setCpuMax(50);
        warmUp(10, 40, 50);
        tick(ProcessProbe.NO_READING, 40, 500);
        assertThat(fired).extracting(Fired::type).containsExactly(DumpType.THREAD);
    }
}
