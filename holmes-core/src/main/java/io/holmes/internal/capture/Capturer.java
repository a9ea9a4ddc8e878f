package io.holmes.internal.capture;

import java.util.List;

/**
 * Takes one kind of capture and writes its files. Runs on the capture thread, one call at a time. Requests that
 * arrive in the same tick and share a capturer come in one call, so that one profiling session can serve them.
 */
public interface Capturer {

    /**
     * Captures for every element of {@code captures}, writing each one's files through its
     * {@link Capture#files()}. Throwing abandons all of them: their files are removed.
     */
    void capture(List<Capture> captures) throws Exception;
}
