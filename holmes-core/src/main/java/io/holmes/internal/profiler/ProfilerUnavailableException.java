package io.holmes.internal.profiler;

/** async-profiler cannot take this session; the message says why, in words fit for a log line. */
public final class ProfilerUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public ProfilerUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
