package io.holmes.internal.report;

import io.holmes.CountingReporter;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.ProfileReporter;
import io.holmes.Reason;
import io.holmes.internal.DaemonThreads;
import io.holmes.internal.OnceLogger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands finished events to the user's reporters on one named daemon thread, behind a bounded queue. When the
 * queue is full the oldest waiting event is dropped and counted: the newest evidence matters most, and a
 * slow reporter must never hold memory without bound or block the capture thread. A reporter that throws
 * is logged (once at WARN, then at DEBUG) and does not stop the others. A plain reporter's {@code report()} that
 * returns counts as delivered; a {@link CountingReporter} counts its own deliveries.
 */
public final class ReporterDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ReporterDispatcher.class);

    /** Wakes the thread for shutdown; never passed to a reporter. */
    private static final DumpEvent STOP = DumpEvent.builder().id("stop").type(DumpType.THREAD).reason(Reason.MANUAL)
            .start(Instant.EPOCH).build();

    private final List<ProfileReporter> reporters;
    private final BlockingQueue<DumpEvent> queue;
    private final Thread thread;
    private final AtomicLong dropped;
    private final AtomicLong failed;
    private final AtomicLong delivered;
    private final OnceLogger warnings = new OnceLogger(LOG);
    private volatile boolean shut;

    /** Counters are shared so that totals survive restarts; pass fresh ones for a fresh count. */
    public ReporterDispatcher(List<ProfileReporter> reporters, int capacity, AtomicLong dropped, AtomicLong failed,
                              AtomicLong delivered) {
        this.reporters = List.copyOf(reporters);
        this.queue = new ArrayBlockingQueue<>(capacity + 1); // one slot for STOP
        this.dropped = dropped;
        this.failed = failed;
        this.delivered = delivered;
        this.thread = reporters.isEmpty() ? null : new DaemonThreads("holmes-reporter").newThread(this::loop);
        if (thread != null) {
            thread.start();
        }
    }

    /** Queues {@code event} for every reporter; drops the oldest queued event if the queue is full. Never blocks. */
    public void offer(DumpEvent event) {
        if (thread == null) {
            return;
        }
        if (shut) {
            // Behind STOP nothing would ever take it.
            dropped.incrementAndGet();
            return;
        }
        while (queue.remainingCapacity() <= 1 || !queue.offer(event)) {
            if (queue.poll() != null) {
                dropped.incrementAndGet();
                warnings.warn("dropped", "Holmes' reporter queue is full: dropped the oldest event (reporters are"
                        + " slower than captures)");
            }
        }
    }

    /** Delivers what is queued for up to {@code timeout}, then leaves the thread (a daemon) behind. */
    public void shutdown(Duration timeout) {
        if (thread == null) {
            return;
        }
        shut = true;
        while (!queue.offer(STOP)) {
            DumpEvent oldest = queue.poll();
            if (oldest != null && oldest != STOP) {
                dropped.incrementAndGet();
            }
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            LOG.warn("A Holmes reporter did not finish within {}; its thread was interrupted and left to end by itself",
                    timeout);
        }
        // Whatever is still queued will never be delivered: count it.
        DumpEvent left;
        while ((left = queue.poll()) != null) {
            if (left != STOP) {
                dropped.incrementAndGet();
            }
        }
    }

    private void loop() {
        while (true) {
            DumpEvent event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (event == STOP) {
                return;
            }
            for (ProfileReporter reporter : reporters) {
                deliver(reporter, event);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
    }

    private void deliver(ProfileReporter reporter, DumpEvent event) {
        try {
            reporter.report(event);
            if (!(reporter instanceof CountingReporter)) {
                // A counting reporter has only taken the event over; it counts the outcome where it happens.
                delivered.incrementAndGet();
            }
        } catch (Throwable e) {
            failed.incrementAndGet();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            warnings.warn("failed-" + reporter.getClass().getName(), "Holmes reporter {} failed on event {}: {}",
                    reporter.getClass().getName(), event.id(), e.toString(), e);
        }
    }
}
