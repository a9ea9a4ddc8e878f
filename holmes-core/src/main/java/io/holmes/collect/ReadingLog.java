package io.holmes.collect;

import io.holmes.DumpType;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent readings, kept so that a capture can say what the metrics did while it ran. A fixed ring
 * written by the collector without allocating; a reader names the point it started from with {@link #mark()}.
 */
public final class ReadingLog {

    private final int[][] readings;
    private long written;

    /** @param capacity how many ticks are remembered */
    public ReadingLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
        }
        readings = new int[DumpType.values().length][capacity];
    }

    /** Records one tick's readings ({@link ProcessProbe#NO_READING} where one could not be taken). */
    public synchronized void append(int cpu, int mem, int threads) {
        int slot = (int) (written % readings[0].length);
        readings[DumpType.CPU.ordinal()][slot] = cpu;
        readings[DumpType.MEM.ordinal()][slot] = mem;
        readings[DumpType.THREAD.ordinal()][slot] = threads;
        written++;
    }

    /** A position to read from later: the ticks appended after this call. */
    public synchronized long mark() {
        return written;
    }

    /**
     * The readings of {@code type} appended since {@code mark}, oldest first, skipping missing ones; when more
     * ticks passed than the log holds, the oldest of them are gone.
     */
    public synchronized List<Integer> since(long mark, DumpType type) {
        int capacity = readings[0].length;
        long from = Math.max(mark, written - capacity);
        List<Integer> out = new ArrayList<>((int) Math.max(0, written - from));
        int[] values = readings[type.ordinal()];
        for (long i = from; i < written; i++) {
            int value = values[(int) (i % capacity)];
            if (value != ProcessProbe.NO_READING) {
                out.add(value);
            }
        }
        return out;
    }
}
