package io.holmes.reporters;

import io.holmes.DumpEvent;
import io.holmes.internal.DaemonThreads;
import io.holmes.internal.OnceLogger;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events to an HTTP server from one named daemon thread, behind a bounded queue that drops the oldest
 * event (and counts it) when full. 429, 5xx and I/O errors are retried with jittered exponential backoff; other
 * statuses are final, and a redirect is a failure (the client follows none: a token or a capture must never
 * reach a host it was not configured for). An event older than {@code maxAge} is dropped instead of sent, before
 * each attempt. {@link #close()} delivers what it can within the timeout, then cancels the call in flight.
 * Nothing here blocks the caller of {@link #offer(DumpEvent)}; no request or header is ever logged, and every
 * piece of outside text (a server's answer, an exception) passes through {@link Secrets#mask(String)} first.
 *
 * <p>Each outcome is counted where it happens: delivered when the server answered 2xx, failed when it refused,
 * redirected or ran out of retries, retried for each further attempt, dropped when the event never got a final
 * attempt.
 */
final class Delivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    /** The longest wait between two attempts, whatever the backoff or a Retry-After header says. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** How much of an error body is read; more than is logged, so a secret cut at the end is beyond the cap. */
    private static final int ERROR_BODY_BYTES = 4096;

    /** Builds the request for an event; may be called again for each retry. */
    @FunctionalInterface
    interface RequestFactory {
        Request create(DumpEvent event) throws IOException;
    }

    private final String target;
    private final OkHttpClient client;
    private final RequestFactory requests;
    private final int capacity;
    private final int maxRetries;
    private final Duration backoff;
    private final Duration timeout;
    private final Secrets secrets;
    private final Duration maxAge;
    private final Clock clock;
    private final OnceLogger warnings = new OnceLogger(LOG);

    private final Object lock = new Object();
    private final ArrayDeque<DumpEvent> queue;
    private final Thread thread;
    private boolean closing;
    /** Set when close() gave up waiting: the thread must not start anything more. */
    private volatile boolean abandoned;
    private volatile Call inFlight;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The event the thread is uploading; whoever clears it (the thread or an abandoning close) counts it. */
    private final AtomicReference<DumpEvent> inHand = new AtomicReference<>();
    private final AtomicLong retried = new AtomicLong();

    /**
     * @param target     how logs name the server (never with credentials)
     * @param threadName the delivery thread's name
     * @param client     a client that follows no redirect
     * @param secrets    masked out of everything logged
     * @param maxAge     events that started longer ago are dropped rather than sent; {@code null} for no limit
     */
    Delivery(String target, String threadName, OkHttpClient client, RequestFactory requests, int capacity,
             int maxRetries, Duration backoff, Duration timeout, Secrets secrets, Duration maxAge, Clock clock) {
        if (client.followRedirects() || client.followSslRedirects()) {
            throw new IllegalArgumentException("the upload client must not follow redirects");
        }
        this.target = target;
        this.secrets = secrets;
        this.maxAge = maxAge;
        this.clock = clock;
        this.client = client;
        this.requests = requests;
        this.capacity = capacity;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.timeout = timeout;
        this.queue = new ArrayDeque<>(Math.min(capacity, 64));
        this.thread = new DaemonThreads(threadName).newThread(this::loop);
        this.thread.start();
    }

    /** Queues {@code event}; never blocks. When the queue is full the oldest waiting event is dropped. */
    void offer(DumpEvent event) {
        synchronized (lock) {
            if (closing) {
                dropped.incrementAndGet();
                return;
            }
            if (queue.size() >= capacity) {
                DumpEvent oldest = queue.pollFirst();
                dropped.incrementAndGet();
                warnings.warn("full", "Holmes' upload queue to {} is full ({} events); dropped event {}", target,
                        capacity, oldest.id());
            }
            queue.addLast(event);
            lock.notifyAll();
        }
    }

    long dropped() {
        return dropped.get();
    }

    long delivered() {
        return delivered.get();
    }

    long failed() {
        return failed.get();
    }

    /** Attempts beyond the first, over all events. */
    long retried() {
        return retried.get();
    }

    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private void loop() {
        while (true) {
            DumpEvent event;
            synchronized (lock) {
                while (queue.isEmpty() && !closing) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (abandoned || Thread.currentThread().isInterrupted()) {
                    return;
                }
                event = queue.pollFirst();
                inHand.set(event);
            }
            if (event == null) {
                return;
            }
            AtomicLong outcome;
            try {
                outcome = deliver(event);
            } catch (Throwable e) {
                outcome = failed;
                warnings.warn("unexpected", "Holmes could not upload event {} to {}: {}", event.id(), target,
                        secrets.mask(e));
            }
            // Counted once: unless close() gave up on this event and counted it already.
            if (inHand.compareAndSet(event, null)) {
                outcome.incrementAndGet();
            }
        }
    }

    /** Uploads {@code event} with its retries; returns the counter of its outcome (delivered, failed, dropped). */
    private AtomicLong deliver(DumpEvent event) {
        Request request;
        try {
            request = requests.create(event);
        } catch (IOException e) {
            warnings.warn("prepare", "Holmes could not prepare event {} for {} (were its files evicted?): {}",
                    event.id(), target, secrets.mask(e));
            return failed;
        }
        for (int attempt = 0; ; attempt++) {
            if (isTooOld(event)) {
                warnings.warn("too-old", "Holmes dropped event {} for {}: it started at {}, more than {} ago, and the"
                        + " server refuses profiles that old (is this host's clock right?)", event.id(), target,
                        event.start(), maxAge);
                return dropped;
            }
            if (attempt > 0) {
                retried.incrementAndGet();
            }
            Attempt result = send(request);
            if (result.outcome == Outcome.DELIVERED) {
                warnings.clear("retry");
                return delivered;
            }
            if (result.outcome == Outcome.REDIRECTED) {
                warnings.warn("redirect-" + result.status, "{} answered a Holmes upload with a redirect ({}) to {};"
                        + " Holmes follows no redirect, so nothing was sent there (not retried). Configure the final"
                        + " address.", target, result.status, result.message);
                return failed;
            }
            if (result.outcome == Outcome.REFUSED) {
                warnings.warn("refused-" + result.status, "{} refused a Holmes upload with {} (not retried): {}",
                        target, result.status, result.message);
                return failed;
            }
            if (attempt >= maxRetries || isClosing()) {
                warnings.warn("retry", "Holmes gave up uploading event {} to {} after {} attempts: {}", event.id(),
                        target, attempt + 1,
                        result.status == 0 ? result.message : result.status + " " + result.message);
                return failed;
            }
            if (!pause(delay(attempt, result.retryAfterSeconds))) {
                return failed;
            }
        }
    }

    private Attempt send(Request request) {
        Call call = client.newCall(request);
        inFlight = call;
        if (abandoned) {
            // close() gave up between taking this event and now; it may have missed the call to cancel.
            call.cancel();
        }
        try (Response response = call.execute()) {
            int code = response.code();
            if (code >= 200 && code < 300) {
                return new Attempt(Outcome.DELIVERED, code, "", -1);
            }
            if (code >= 300 && code < 400) {
                return new Attempt(Outcome.REDIRECTED, code, redirectTarget(response), -1);
            }
            String message = secrets.mask(snippet(response.body()));
            if (code == 429 || code >= 500) {
                return new Attempt(Outcome.RETRY, code, message, retryAfter(response));
            }
            return new Attempt(Outcome.REFUSED, code, message, -1);
        } catch (IOException e) {
            return new Attempt(Outcome.RETRY, 0, secrets.mask(e), -1);
        } finally {
            inFlight = null;
        }
    }

    private boolean isTooOld(DumpEvent event) {
        return maxAge != null && event.start().isBefore(clock.instant().minus(maxAge));
    }

    /** Where a redirect pointed: the host (and port) only, never its path or query, which may carry a token. */
    private String redirectTarget(Response response) {
        String location = response.header("Location");
        HttpUrl to = location == null ? null : response.request().url().resolve(location);
        if (to == null) {
            return "an address that is not an http(s) URL";
        }
        return secrets.mask(to.scheme() + "://" + to.host() + ":" + to.port());
    }

    /** Exponential from {@code backoff}, with full jitter over its upper half; a Retry-After may ask for longer. */
    long delay(int attempt, long retryAfterSeconds) {
        long base = backoff.toMillis() << Math.min(attempt, 16);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        if (retryAfterSeconds > 0) {
            jittered = Math.max(jittered, Math.min(TimeUnit.SECONDS.toMillis(retryAfterSeconds), MAX_BACKOFF.toMillis()));
        }
        return jittered;
    }

    /** Waits {@code millis}; false when closing cut the wait short. */
    private boolean pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            while (!closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }
    }

    private boolean isClosing() {
        synchronized (lock) {
            return closing;
        }
    }

    private static long retryAfter(Response response) {
        String header = response.header("Retry-After");
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String snippet(ResponseBody body) {
        if (body == null) {
            return "";
        }
        try {
            BufferedSource source = body.source();
            source.request(ERROR_BODY_BYTES);
            return source.readUtf8(Math.min(ERROR_BODY_BYTES, source.getBuffer().size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Stops taking events, delivers the queued ones (without retries) until {@code timeout}, then cancels the
     * upload in flight and ends the thread. Events still queued then are counted as dropped. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            abandoned = true;
            // The event being uploaded is given up now and counted here, so the counts are whole when close()
            // returns; the thread, once it notices, counts it no more.
            if (inHand.getAndSet(null) != null) {
                failed.incrementAndGet();
            }
            Call call = inFlight;
            if (call != null) {
                call.cancel();
            }
            thread.interrupt();
        }
        synchronized (lock) {
            dropped.addAndGet(queue.size());
            queue.clear();
        }
    }

    private enum Outcome { DELIVERED, RETRY, REFUSED, REDIRECTED }

    private static final class Attempt {
        final Outcome outcome;
        final int status;
        final String message;
        final long retryAfterSeconds;

        Attempt(Outcome outcome, int status, String message, long retryAfterSeconds) {
            this.outcome = outcome;
            this.status = status;
            this.message = message;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }
}
