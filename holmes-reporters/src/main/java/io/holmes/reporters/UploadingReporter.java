package io.holmes.reporters;

import io.holmes.DumpEvent;
import io.holmes.ProfileReporter;
import java.io.IOException;
import okhttp3.Request;

/**
 * What every uploading reporter shares: a delivery thread behind a bounded queue, its counters, and a close
 * bounded by the timeout. Subclasses say which events to queue and what request each becomes.
 */
public abstract class UploadingReporter implements ProfileReporter, AutoCloseable {

    private final Delivery delivery;

    /**
     * @param target     how logs name the server (never with credentials)
     * @param threadName the delivery thread's name
     */
    UploadingReporter(DeliveryOptions options, String target, String threadName) {
        // The thread calls request() only for events queued after construction.
        this.delivery = options.startDelivery(target, threadName, this::request);
    }

    /** The upload for {@code event}; built again for every attempt, reading the files from disk. */
    abstract Request request(DumpEvent event) throws IOException;

    /** Queues {@code event}; never blocks. */
    final void queue(DumpEvent event) {
        delivery.offer(event);
    }

    /** Events dropped because the queue was full or the reporter was closing. */
    public long droppedUploads() {
        return delivery.dropped();
    }

    /** Events the server accepted. */
    public long deliveredUploads() {
        return delivery.delivered();
    }

    /** Events given up on: refused by the server, out of retries, or whose files were gone. */
    public long failedUploads() {
        return delivery.failed();
    }

    /** Attempts beyond the first, over all events. */
    public long retriedUploads() {
        return delivery.retried();
    }

    /** Events waiting in the queue. */
    public int queuedUploads() {
        return delivery.queued();
    }

    /** Uploads what is queued until the timeout, then stops; idempotent. */
    @Override
    public void close() {
        delivery.close();
    }
}
