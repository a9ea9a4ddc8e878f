package io.holmes.internal.decide;

import io.holmes.Reason;
import io.holmes.Rule;
import java.util.List;

/** Where a firing rule goes. Called on the collector thread: it must hand the work off and return at once. */
@FunctionalInterface
public interface TriggerSink {

    /**
     * @param trigger the position of the trigger in the {@link RuleBook}
     * @param rule    the rule that fired, as it was at that moment
     * @param reason  {@link Reason#ABS} or {@link Reason#DIFF}
     * @param current the reading that fired it
     * @param average integer mean of {@code window}
     * @param window  the previous readings, oldest first
     */
    void trigger(int trigger, Rule rule, Reason reason, int current, int average, List<Integer> window);
}
