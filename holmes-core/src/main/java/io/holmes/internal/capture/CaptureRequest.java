package io.holmes.internal.capture;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Reason;
import io.holmes.Rule;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A capture asked for by a rule or by {@link io.holmes.Holmes#dump(DumpType)}, with the readings that
 * explain it. {@code result} completes once the event's files are all on disk, or exceptionally.
 *
 * @param type      what to capture
 * @param reason    why
 * @param rule      the rule that fired, {@code null} for a manual capture
 * @param current   the reading that fired it
 * @param average   integer mean of {@code window}
 * @param window    the previous readings, oldest first
 * @param result    completed with the event
 * @param triggered when the rule fired or the manual capture was asked for: where the look-back window ends
 * @param trigger   the name of the trigger that asked (for a manual capture, the original trigger of {@code type})
 */
public record CaptureRequest(DumpType type, Reason reason, Rule rule, int current, int average,
                             List<Integer> window, CompletableFuture<DumpEvent> result, Instant triggered,
                             String trigger) {

    public CaptureRequest {
        window = List.copyOf(window);
        if (triggered == null) {
            triggered = Instant.now();
        }
        if (trigger == null) {
            trigger = type.fileTag();
        }
    }

    /** A request of the original trigger of {@code type}, triggered at {@code triggered}. */
    public CaptureRequest(DumpType type, Reason reason, Rule rule, int current, int average,
                          List<Integer> window, CompletableFuture<DumpEvent> result, Instant triggered) {
        this(type, reason, rule, current, average, window, result, triggered, null);
    }

    /** A request of the original trigger of {@code type}, triggered now. */
    public CaptureRequest(DumpType type, Reason reason, Rule rule, int current, int average,
                          List<Integer> window, CompletableFuture<DumpEvent> result) {
        this(type, reason, rule, current, average, window, result, Instant.now(), null);
    }
}
