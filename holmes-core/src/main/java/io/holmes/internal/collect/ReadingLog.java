package io.holmes.internal.collect;

import io.holmes.DumpType;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent readings of every trigger, kept so that a capture can say what its reading did while it ran. A
 * fixed ring written by the collector without allocating; a reader names the point it started from with
 * {@link #mark()}.
 */
public final class ReadingLog {

    private final List<String> names;
    private final int[][] readings;
    private long written;

    /** A log of the three original readings ({@code cpu}, {@code mem}, {@code thread}). */
    public ReadingLog(int capacity) {
        this(List.of("cpu", "mem", "thread"), capacity);
    }

    /**
     * @param names    the triggers, in the order of the readings appended
     * @param capacity how many ticks are remembered
     */
    public ReadingLog(List<String> names, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
        }
        this.names = List.copyOf(names);
        readings = new int[names.size()][capacity];
    }

    /** Records one tick's readings of the three original triggers. */
    public void append(int cpu, int mem, int threads) {
        int[] tick = new int[names.size()];
        java.util.Arrays.fill(tick, ProcessProbe.NO_READING);
        tick[0] = cpu;
        tick[1] = mem;
        tick[2] = threads;
        append(tick);
    }

    /** Records one tick's readings, one per trigger ({@link ProcessProbe#NO_READING} where one could not be taken). */
    public synchronized void append(int[] tick) {
        int slot = (int) (written % readings[0].length);
        for (int i = 0; i < readings.length; i++) {
            readings[i][slot] = tick[i];
        }
        written++;
    }

    /** A position to read from later: the ticks appended after this call. */
    public synchronized long mark() {
        return written;
    }

    /** The readings of the original trigger of {@code type} appended since {@code mark}. */
    public List<Integer> since(long mark, DumpType type) {
        return since(mark, type.fileTag());
    }

    /**
     * The readings of {@code trigger} appended since {@code mark}, oldest first, skipping missing ones; when more
     * ticks passed than the log holds, the oldest of them are gone. Empty for an unknown trigger.
     */
    public synchronized List<Integer> since(long mark, String trigger) {
        int index = names.indexOf(trigger);
        if (index < 0) {
            return List.of();
        }
        int capacity = readings[0].length;
        long from = Math.max(mark, written - capacity);
        List<Integer> out = new ArrayList<>((int) Math.max(0, written - from));
        int[] values = readings[index];
        for (long i = from; i < written; i++) {
            int value = values[(int) (i % capacity)];
            if (value != ProcessProbe.NO_READING) {
                out.add(value);
            }
        }
        return out;
    }
}
