package io.holmes.testing;

import io.holmes.internal.collect.ProcessProbe;

/** Readings a test sets before each tick; a reading set to a {@link RuntimeException} throws it. */
public final class ScriptedProbe implements ProcessProbe {

    public volatile int cpu;
    public volatile int heap;
    public volatile int threads;
    public volatile RuntimeException heapFailure;
    public volatile int resets;
    public final java.util.concurrent.atomic.AtomicInteger cpuReads = new java.util.concurrent.atomic.AtomicInteger();

    public ScriptedProbe set(int cpu, int heap, int threads) {
        this.cpu = cpu;
        this.heap = heap;
        this.threads = threads;
        return this;
    }

    @Override
    public void reset() {
        resets++;
    }

    @Override
    public int cpuPercent() {
        cpuReads.incrementAndGet();
        return cpu;
    }

    @Override
    public int heapPercent() {
        RuntimeException failure = heapFailure;
        if (failure != null) {
            throw failure;
        }
        return heap;
    }

    @Override
    public int threadCount() {
        return threads;
    }
}
