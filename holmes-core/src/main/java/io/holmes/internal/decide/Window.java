package io.holmes.internal.decide;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@link #CAPACITY} readings of one metric, kept in a ring with a running sum so that adding a
 * reading and taking the average cost a few arithmetic operations and no allocation. Not thread-safe: the
 * {@link Detector} guards it.
 */
public final class Window {

    /** How many previous readings the average covers, and how many a rule waits for after a start. */
    public static final int CAPACITY = 10;

    private final int[] readings = new int[CAPACITY];
    private int next;
    private int size;
    private long sum;

    public void add(int reading) {
        if (size == CAPACITY) {
            sum -= readings[next];
        } else {
            size++;
        }
        readings[next] = reading;
        sum += reading;
        next = (next + 1) % CAPACITY;
    }

    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == CAPACITY;
    }

    /** Integer mean of the readings held (rounded down), 0 when empty. */
    public int average() {
        return size == 0 ? 0 : (int) (sum / size);
    }

    /** The readings held, oldest first. */
    public List<Integer> toList() {
        List<Integer> list = new ArrayList<>(size);
        int first = (next - size + CAPACITY) % CAPACITY;
        for (int i = 0; i < size; i++) {
            list.add(readings[(first + i) % CAPACITY]);
        }
        return list;
    }

    public void clear() {
        next = 0;
        size = 0;
        sum = 0;
    }
}
