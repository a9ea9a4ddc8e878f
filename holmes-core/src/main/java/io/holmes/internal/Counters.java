package io.holmes.internal;

import java.util.concurrent.atomic.AtomicLong;

/** What one Holmes counts over its life, across starts and stops. */
public final class Counters {
    /** Events Holmes' own reporter queue dropped. */
    public final AtomicLong droppedReports = new AtomicLong();
    /** Reporter calls that threw. */
    public final AtomicLong failedReports = new AtomicLong();
    /** Reporter calls that returned normally. */
    public final AtomicLong deliveredReports = new AtomicLong();
    /** Collect ticks completed. */
    public final AtomicLong ticks = new AtomicLong();
}
