package io.holmes.internal.profiler;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of this process's async-profiler. async-profiler is a process-wide singleton: a second session
 * cannot start while one runs, and a session started by someone else (an agent, the application) must not be
 * stopped by Holmes. This class loads the library once, on first use, and hands out at most one
 * {@link Session} at a time; every Holmes instance in the JVM goes through {@link #shared()}.
 *
 * <p>Before starting, it asks the profiler for its state rather than provoking and parsing an error. A CPU
 * session tries the {@code cpu} engine (perf events) first and {@code itimer} when the kernel refuses perf
 * events. Whatever cannot be had is reported as a {@link ProfilerUnavailableException}, for the caller to fall
 * back on JDK Flight Recorder.
 */
public final class AsyncProfilerOwner {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncProfilerOwner.class);

    /** CPU engines in order of preference. */
    static final String[] CPU_ENGINES = {"cpu", "itimer"};

    private static final AsyncProfilerOwner SHARED = new AsyncProfilerOwner(AsyncProfilerLibrary::load);

    private final Callable<NativeProfiler> loader;
    private NativeProfiler profiler;
    private Throwable loadFailure;
    private Session current;
    /** Engines before this index were refused once; they are not tried again. */
    private int firstEngine;
    /** A session of Holmes' own whose stop failed: still Holmes' to stop before anything else. */
    private boolean orphaned;

    /** For tests: an owner over a profiler of the caller's choosing. */
    public AsyncProfilerOwner(Callable<NativeProfiler> loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** The owner every Holmes in this JVM shares. */
    public static AsyncProfilerOwner shared() {
        return SHARED;
    }

    /**
     * Starts a session writing {@code jfr} when it stops.
     *
     * @param cpu              whether to sample CPU
     * @param cpuIntervalNanos CPU time between two CPU samples
     * @param allocBytes       bytes between two allocation samples, 0 for none
     * @throws ProfilerUnavailableException when the library cannot load, a session already runs (Holmes' own
     *                                      or someone else's), or every engine was refused
     */
    public synchronized Session start(boolean cpu, long cpuIntervalNanos, long allocBytes, Path jfr)
            throws ProfilerUnavailableException {
        NativeProfiler p = load();
        if (current != null) {
            throw new ProfilerUnavailableException("async-profiler is busy with another Holmes capture in this JVM", null);
        }
        if (orphaned) {
            try {
                p.execute(ProfilerCommands.STOP);
            } catch (Exception e) {
                // Already stopped after all; the status below tells.
            }
            orphaned = false;
        }
        String status;
        try {
            status = p.execute(ProfilerCommands.STATUS);
        } catch (Exception e) {
            throw new ProfilerUnavailableException("async-profiler did not answer its status: " + e, e);
        }
        if (ProfilerCommands.isActive(status)) {
            throw new ProfilerUnavailableException(
                    "async-profiler is already running in this JVM for someone else (" + status.trim() + ")", null);
        }
        if (!cpu) {
            try {
                p.execute(ProfilerCommands.start(null, 0, allocBytes, jfr));
            } catch (Exception e) {
                throw new ProfilerUnavailableException("async-profiler refused allocation profiling: " + e, e);
            }
            current = new Session(p, null, allocBytes);
            return current;
        }
        Exception refused = null;
        for (int i = firstEngine; i < CPU_ENGINES.length; i++) {
            String engine = CPU_ENGINES[i];
            try {
                p.execute(ProfilerCommands.start(engine, cpuIntervalNanos, allocBytes, jfr));
                if (refused != null) {
                    LOG.warn("Holmes: async-profiler refused the '{}' CPU engine ({}); sampling with '{}' from now on",
                            CPU_ENGINES[firstEngine], refused.getMessage(), engine);
                    firstEngine = i;
                }
                current = new Session(p, engine, allocBytes);
                return current;
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                refused = e;
            }
        }
        throw new ProfilerUnavailableException("async-profiler refused every CPU engine: " + refused, refused);
    }

    private NativeProfiler load() throws ProfilerUnavailableException {
        if (profiler != null) {
            return profiler;
        }
        if (loadFailure == null) {
            try {
                profiler = loader.call();
                return profiler;
            } catch (Throwable e) {
                // UnsatisfiedLinkError, NoClassDefFoundError, IOException from extraction: remembered, never retried.
                loadFailure = e;
            }
        }
        throw new ProfilerUnavailableException(describeLoadFailure(loadFailure), loadFailure);
    }

    /**
     * Why the library did not load, in words that point at the cause. A JVM lets one class loader hold a native
     * library: when an earlier deployment of the application (a web application redeployed in the same server, a
     * plugin loaded twice) loaded async-profiler, the JDK refuses it to every other loader with an
     * {@link UnsatisfiedLinkError}, which ap-loader wraps in a message about its extraction directory. The JDK
     * offers no query for this state, so the error's own words are the only witness.
     */
    static String describeLoadFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnsatisfiedLinkError && t.getMessage() != null
                    && t.getMessage().contains("another classloader")) {
                return "async-profiler's native library is already loaded by another class loader in this JVM (an"
                        + " earlier deployment of this application, or another copy of ap-loader); a JVM lets only"
                        + " one class loader use it, so this one cannot (" + t.getMessage() + ")";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return "async-profiler cannot load here: " + failure;
    }

    private synchronized void release(Session session, boolean stopped) {
        if (current == session) {
            current = null;
            orphaned = !stopped && isStillActive(session.profiler);
        }
    }

    private static boolean isStillActive(NativeProfiler profiler) {
        try {
            return ProfilerCommands.isActive(profiler.execute(ProfilerCommands.STATUS));
        } catch (Exception e) {
            return false;
        }
    }

    /** One running async-profiler session; {@link #close()} stops it and writes its file. */
    public final class Session implements AutoCloseable {
        private final NativeProfiler profiler;
        private final String cpuEngine;
        private final long allocBytes;
        private boolean closed;

        private Session(NativeProfiler profiler, String cpuEngine, long allocBytes) {
            this.profiler = profiler;
            this.cpuEngine = cpuEngine;
            this.allocBytes = allocBytes;
        }

        /** The CPU engine in use ({@code cpu} or {@code itimer}), or {@code null} when CPU is not sampled. */
        public String cpuEngine() {
            return cpuEngine;
        }

        public long allocBytes() {
            return allocBytes;
        }

        /** Stops the session, which writes its JFR file. Idempotent; a stop that fails is logged, not thrown. */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            boolean stopped = false;
            try {
                profiler.execute(ProfilerCommands.STOP);
                stopped = true;
            } catch (Exception e) {
                LOG.warn("Holmes could not stop its async-profiler session: {}", e.toString());
            } finally {
                release(this, stopped);
            }
        }
    }
}
