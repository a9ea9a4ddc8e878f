package io.holmes.internal.collect;

/**
 * A built-in probe that holds something from one start to the next stop (a listener, an open file, the previous
 * reading of a delta). Holmes opens it when a run starts and closes it when the run stops, on its own thread;
 * neither may throw into the application, so failures are reported by the next {@code read()}.
 */
public interface ProbeLifecycle {

    /** A run starts: take the starting point of deltas, register listeners, open files. */
    void open();

    /** The run stopped: release what {@link #open()} took. */
    void close();
}
