package io.holmes;

/**
 * A reporter that counts its own outcomes because {@link #report(DumpEvent)} returning does not mean the event
 * arrived anywhere: an uploader only queues it for its own delivery thread, an observer delivers nothing. Holmes
 * counts a plain reporter's returning {@code report()} as a delivery; for a counting reporter it adds these
 * counts instead, so that {@link Holmes#deliveredReports()} says what a server accepted.
 */
public interface CountingReporter extends ProfileReporter {

    /** Events the destination accepted (for an HTTP upload: the server answered 2xx). */
    long deliveredUploads();

    /** Events given up on: refused, out of retries, redirected, or whose files were gone. */
    long failedUploads();

    /** Attempts beyond the first, over all events. */
    long retriedUploads();

    /** Events dropped without a final attempt: a full queue, a close, or too old for the destination. */
    long droppedUploads();
}
