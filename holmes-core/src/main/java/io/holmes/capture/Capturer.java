package io.holmes.capture;

import io.holmes.DumpEvent;
import io.holmes.write.PendingEvent;

/** Takes one kind of capture and writes its files. Runs on the capture thread, one capture at a time. */
public interface Capturer {

    /**
     * Captures for {@code request}, writing each file through {@code files} and adding what a reader needs
     * to know about the capture to {@code event} as details. Throwing abandons the event: its files are removed.
     */
    void capture(CaptureRequest request, PendingEvent files, DumpEvent.Builder event) throws Exception;
}
