package io.holmes;

/**
 * A reporter that counts its own outcomes because {@link #report(DumpEvent)} returning does not mean the event
 * arrived anywhere: an uploader only queues it for its own delivery thread, an observer delivers nothing. Holmes
 * counts a plain reporter's returning {@code report()} as a delivery; for a counting reporter it adds these
 * counts instead, so that {@link Holmes#deliveredReports()} says what a server accepted.
 */
public interface CountingReporter extends ProfileReporter {

    /**
     * {@return events the destination accepted (for an HTTP upload: the server answered 2xx)} Never decreases;
     * Holmes may read it from any thread.
     */
    long deliveredUploads();

    /**
     * {@return events given up on: refused, out of retries, redirected, or whose files were gone} Never decreases;
     * Holmes may read it from any thread.
     */
    long failedUploads();

    /** {@return attempts beyond the first, over all events} Never decreases; Holmes may read it from any thread. */
    long retriedUploads();

    /**
     * {@return events dropped without a final attempt: a full queue, a close, or too old for the destination}
     * Never decreases; Holmes may read it from any thread.
     */
    long droppedUploads();
}
