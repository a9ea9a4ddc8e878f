package io.holmes.internal.profiler;

import one.profiler.AsyncProfiler;
import one.profiler.AsyncProfilerLoader;

/**
 * Loads the async-profiler bundled in ap-loader. Kept apart so that a class path without ap-loader fails here,
 * inside a catch, and nowhere else.
 */
final class AsyncProfilerLibrary {

    private AsyncProfilerLibrary() {
    }

    static NativeProfiler load() throws Exception {
        if (!AsyncProfilerLoader.isSupported()) {
            throw new UnsupportedOperationException("ap-loader ships no async-profiler for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        AsyncProfiler profiler = AsyncProfilerLoader.load();
        return profiler::execute;
    }
}
