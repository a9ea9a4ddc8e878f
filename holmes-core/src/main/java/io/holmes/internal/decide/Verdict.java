package io.holmes.internal.decide;

import io.holmes.Reason;
import io.holmes.Rule;

/** What a rule says about one reading: the contract's six steps, in order, as a pure function. */
public enum Verdict {
    /** Step 1: the window holds fewer than 10 readings. */
    WARMING_UP,
    /** Step 2: {@code cur < min}. */
    BELOW_MIN,
    /** Step 3: {@code max > 0 && cur >= max}; a dump that large is itself a hazard. */
    AT_MAX,
    /** Step 4: {@code cur > abs}. */
    ABS,
    /** Step 5: {@code cur >= avg * (100 + diff) / 100}. */
    DIFF,
    /** Step 6: none of the above. */
    NO_JUMP;

    /** Whether this verdict asks for a capture. */
    public boolean fires() {
        return this == ABS || this == DIFF;
    }

    /** The event reason of a firing verdict. */
    public Reason reason() {
        if (!fires()) {
            throw new IllegalStateException(this + " does not fire");
        }
        return this == ABS ? Reason.ABS : Reason.DIFF;
    }

    /**
     * Judges {@code cur} against {@code rule}, given how many previous readings the window holds and their
     * integer mean. Integer arithmetic throughout, widened to long so that large thread counts cannot overflow.
     */
    public static Verdict judge(Rule rule, int cur, int windowSize, int avg) {
        if (windowSize < Window.CAPACITY) {
            return WARMING_UP;
        }
        if (cur < rule.min()) {
            return BELOW_MIN;
        }
        if (rule.max() > 0 && cur >= rule.max()) {
            return AT_MAX;
        }
        if (cur > rule.abs()) {
            return ABS;
        }
        if (cur >= (long) avg * (100 + rule.diff()) / 100) {
            return DIFF;
        }
        return NO_JUMP;
    }
}
