package io.holmes;

/** Why a capture happened. */
public enum Reason {
    /** The reading rose above the rule's {@code abs} threshold. */
    ABS,
    /** The reading rose {@code diff} % or more above the average of the previous readings. */
    DIFF,
    /** Someone asked for it with {@link Holmes#dump(DumpType)}. */
    MANUAL
}
