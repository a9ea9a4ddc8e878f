package io.holmes;

/**
 * One reading a {@link Trigger} watches, taken on the collector thread every collect interval. It should be cheap
 * (the tick reads every trigger in turn) and must not block.
 *
 * <pre>{@code
 * Probe queueDepth = () -> workQueue.size();
 * }</pre>
 */
@FunctionalInterface
public interface Probe {

    /**
     * The current reading. A negative value, or an exception, skips this reading: it does not enter the trigger's
     * window and cannot fire it; the first failure is logged at WARN, later ones at DEBUG, and collection goes on.
     *
     * @return the reading, 0 or more; values above {@link Integer#MAX_VALUE} count as {@link Integer#MAX_VALUE}
     * @throws Exception when the reading cannot be taken; this tick goes on without it
     */
    long read() throws Exception;
}
