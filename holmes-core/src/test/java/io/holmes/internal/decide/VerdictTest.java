package io.holmes.internal.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holmes.Reason;
import io.holmes.Rule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract's six steps, one by one, with their boundary values. */
class VerdictTest {

    private static final Rule CPU = Rule.cpu(20, 100, 150, Duration.ofMinutes(1));
    private static final Rule THREADS = Rule.thread(200, 50, 1000, 5000, Duration.ofMinutes(1));
    private static final int FULL = Window.CAPACITY;

    @Test
    void step1_noCaptureWhileTheWindowHoldsFewerThanTenReadings() {
        for (int size = 0; size < FULL; size++) {
            assertThat(Verdict.judge(CPU, 9999, size, 1)).isEqualTo(Verdict.WARMING_UP);
        }
        assertThat(Verdict.judge(CPU, 9999, FULL, 1)).isEqualTo(Verdict.ABS);
    }

    @Test
    void step2_belowMinNeverCaptures_andMinItselfIsNotBelow() {
        // avg 5 with diff 100 makes 10 a DIFF jump; only min keeps 19 quiet.
        assertThat(Verdict.judge(CPU, 19, FULL, 5)).isEqualTo(Verdict.BELOW_MIN);
        assertThat(Verdict.judge(CPU, 20, FULL, 5)).isEqualTo(Verdict.DIFF);
    }

    @Test
    void step3_atOrAboveMaxNeverCaptures_justBelowMaxDoes() {
        assertThat(Verdict.judge(THREADS, 5000, FULL, 100)).isEqualTo(Verdict.AT_MAX);
        assertThat(Verdict.judge(THREADS, 9000, FULL, 100)).isEqualTo(Verdict.AT_MAX);
        assertThat(Verdict.judge(THREADS, 4999, FULL, 100)).isEqualTo(Verdict.ABS);
    }

    @Test
    void step3_maxZeroIsNoCeiling() {
        Rule noCeiling = Rule.thread(200, 50, 1000, 0, Duration.ZERO);
        assertThat(Verdict.judge(noCeiling, Integer.MAX_VALUE, FULL, 100)).isEqualTo(Verdict.ABS);
    }

    @Test
    void step4_aboveAbsCapturesWithReasonAbs_absItselfDoesNot() {
        // avg 100 with diff 100 puts the DIFF threshold at 200, above abs: abs alone decides here.
        assertThat(Verdict.judge(CPU, 151, FULL, 100)).isEqualTo(Verdict.ABS);
        assertThat(Verdict.judge(CPU, 150, FULL, 100)).isEqualTo(Verdict.NO_JUMP);
        assertThat(Verdict.ABS.reason()).isEqualTo(Reason.ABS);
    }

    @Test
    void step4_absWinsOverDiffWhenBothHold() {
        assertThat(Verdict.judge(CPU, 151, FULL, 20)).isEqualTo(Verdict.ABS);
    }

    @Test
    void step5_diffThresholdIsInclusive() {
        // avg 60, diff 100: threshold 60 * 200 / 100 = 120.
        assertThat(Verdict.judge(CPU, 120, FULL, 60)).isEqualTo(Verdict.DIFF);
        assertThat(Verdict.judge(CPU, 119, FULL, 60)).isEqualTo(Verdict.NO_JUMP);
        assertThat(Verdict.DIFF.reason()).isEqualTo(Reason.DIFF);
    }

    @Test
    void step5_usesIntegerArithmeticRoundingDown() {
        // avg 33, diff 50: 33 * 150 / 100 = 49.5, which integer division makes 49.
        Rule rule = Rule.cpu(0, 50, 10_000, Duration.ZERO);
        assertThat(Verdict.judge(rule, 49, FULL, 33)).isEqualTo(Verdict.DIFF);
        assertThat(Verdict.judge(rule, 48, FULL, 33)).isEqualTo(Verdict.NO_JUMP);
    }

    @Test
    void step5_largeThreadCountsDoNotOverflow() {
        Rule rule = Rule.thread(0, 10_000, Integer.MAX_VALUE, 0, Duration.ZERO);
        // 2e9 * 10100 / 100 overflows an int; the threshold is far above any reading.
        assertThat(Verdict.judge(rule, Integer.MAX_VALUE - 1, FULL, 2_000_000_000)).isEqualTo(Verdict.NO_JUMP);
    }

    @Test
    void step6_otherwiseNoCapture() {
        assertThat(Verdict.judge(CPU, 50, FULL, 40)).isEqualTo(Verdict.NO_JUMP);
        assertThat(Verdict.NO_JUMP.fires()).isFalse();
        assertThatThrownBy(Verdict.NO_JUMP::reason).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void minEqualToAbsIsAllowedAndStillCapturesAboveIt() {
        Rule rule = Rule.cpu(50, 100, 50, Duration.ZERO);
        assertThat(Verdict.judge(rule, 51, FULL, 50)).isEqualTo(Verdict.ABS);
        assertThat(Verdict.judge(rule, 50, FULL, 50)).isEqualTo(Verdict.NO_JUMP);
    }
}
