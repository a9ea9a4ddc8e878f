package io.holmes;

import java.time.Duration;
import java.util.List;

/**
 * A consistent view of one metric: its latest reading, the window the next decision will use, and the rule.
 *
 * @param type         the metric
 * @param latest       the latest reading, or -1 when none was taken since the start
 * @param average      integer mean of {@code window}
 * @param window       the previous readings, oldest first (the latest is the last one)
 * @param rule         the rule in force
 * @param enabled      whether the rule fires
 * @param cooldownLeft how long the rule still rests, {@link Duration#ZERO} when it does not
 */
public record MetricState(DumpType type, int latest, int average, List<Integer> window, Rule rule, boolean enabled,
                          Duration cooldownLeft) {
}
