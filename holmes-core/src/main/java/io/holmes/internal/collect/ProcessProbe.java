package io.holmes.internal.collect;

/**
 * The three readings Holmes takes every collect interval, as integers. A method that cannot take its
 * reading throws; the collector logs that once and skips the reading.
 */
public interface ProcessProbe {

    /** Sentinel for "no reading this time" (for example the very first CPU reading, which has no delta yet). */
    int NO_READING = -1;

    /** Starts a new run: the next CPU reading measures from now. */
    void reset();

    /** CPU time used since the previous reading ÷ (wall time × cpuCores) × 100, or {@link #NO_READING}. */
    int cpuPercent() throws Exception;

    /** Used heap ÷ memoryLimit × 100. */
    int heapPercent() throws Exception;

    /** Live threads. */
    int threadCount() throws Exception;
}
