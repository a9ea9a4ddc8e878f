package io.holmes.internal.profiler;

/** The one operation Holmes needs from async-profiler: run a command and return its answer. */
@FunctionalInterface
public interface NativeProfiler {

    /** Runs {@code command}; throws when async-profiler refuses it. */
    String execute(String command) throws Exception;
}
