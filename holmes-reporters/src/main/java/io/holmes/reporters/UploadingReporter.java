package io.holmes.reporters;

import io.holmes.DumpEvent;
import io.holmes.CountingReporter;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import okhttp3.Request;

/**
 * What every uploading reporter shares: a delivery thread behind a bounded queue, its counters, and a close
 * bounded by the timeout. Subclasses say which events to queue and what request each becomes. The counters count
 * outcomes where they happen ({@link CountingReporter}): {@code report()} only queues.
 */
public abstract class UploadingReporter implements CountingReporter, AutoCloseable {

    private final Delivery delivery;

    /**
     * @param target     how logs name the server (never with credentials)
     * @param threadName the delivery thread's name
     * @param secrets    values masked out of every log line (header values are added)
     * @param maxAge     events that started longer ago are dropped rather than sent; {@code null} for no limit
     */
    UploadingReporter(DeliveryOptions options, String target, String threadName, Collection<String> secrets,
                      Duration maxAge) {
        // The thread calls request() only for events queued after construction.
        this.delivery = options.startDelivery(target, threadName, this::request, secrets, maxAge);
    }

    /** The upload for {@code event}; built again for every attempt, reading the files from disk. */
    abstract Request request(DumpEvent event) throws IOException;

    /** Queues {@code event}; never blocks. */
    final void queue(DumpEvent event) {
        delivery.offer(event);
    }

    /** Events dropped without a final attempt: the queue was full, the reporter was closing, or too old to send. */
    @Override
    public long droppedUploads() {
        return delivery.dropped();
    }

    /** Events the server accepted: it answered 2xx. */
    @Override
    public long deliveredUploads() {
        return delivery.delivered();
    }

    /** Events given up on: refused or redirected by the server, out of retries, or whose files were gone. */
    @Override
    public long failedUploads() {
        return delivery.failed();
    }

    /** Attempts beyond the first, over all events. */
    @Override
    public long retriedUploads() {
        return delivery.retried();
    }

    /** {@return events waiting in the queue now, not counting the one being uploaded} */
    public int queuedUploads() {
        return delivery.queued();
    }

    /** Uploads what is queued until the timeout, then stops; idempotent. */
    @Override
    public void close() {
        delivery.close();
    }
}
