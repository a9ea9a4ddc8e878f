package io.holmes.spring;

import io.holmes.Holmes;
import org.springframework.context.SmartLifecycle;

/** Starts Holmes once the application context is up and stops it when the context closes. */
public class HolmesLifecycle implements SmartLifecycle {

    private final Holmes holmes;

    /**
     * A lifecycle for one Holmes; it does not close it (the context does, through the bean's destroy method).
     *
     * @param holmes the Holmes to start and stop
     */
    public HolmesLifecycle(Holmes holmes) {
        this.holmes = holmes;
    }

    @Override
    public void start() {
        holmes.start();
    }

    @Override
    public void stop() {
        holmes.stop();
    }

    @Override
    public boolean isRunning() {
        return holmes.isRunning();
    }
}
