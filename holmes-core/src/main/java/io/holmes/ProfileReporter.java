package io.holmes;

/**
 * Receives every finished capture. Reporters run on Holmes' reporter thread, one event at a time, after
 * the event's files are complete on disk; a reporter that throws is logged and the next event still comes.
 * A slow reporter delays only other reporters: events that find the reporter queue full are dropped and
 * counted, never queued without bound.
 */
@FunctionalInterface
public interface ProfileReporter {

    /**
     * Handles one finished capture; {@link DumpEvent#files()} exist when this is called, though the disk budget may
     * delete them once later events arrive.
     *
     * @param event the finished capture; never {@code null}
     * @throws Exception for any failure: Holmes logs it, counts it in {@link Holmes#failedReports()} and goes on
     */
    void report(DumpEvent event) throws Exception;
}
