package io.holmes.internal.capture;

import io.holmes.DumpEvent;
import io.holmes.internal.write.PendingEvent;

/**
 * One event being captured: what was asked, where its files go, and the event being filled in.
 *
 * @param request what was asked and why
 * @param files   the event's files, written whole under {@code <type>.<stamp>.<ext>}
 * @param event   the event; a capturer adds what a reader needs to know as details
 */
public record Capture(CaptureRequest request, PendingEvent files, DumpEvent.Builder event) {
}
