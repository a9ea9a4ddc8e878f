package io.holmes.reporters;

import io.holmes.Problem;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The delivery options every uploading reporter's builder has: extra headers, timeout, retries, queue, backoff
 * and a client to share.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class UploadOptions<B extends UploadOptions<B>> {

    /** The longest an upload may take unless {@link #timeout(Duration)} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Attempts after the first unless {@link #maxRetries(int)} says otherwise. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    /** Captures that may wait for upload unless {@link #queueCapacity(int)} says otherwise. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16;

    final DeliveryOptions options = new DeliveryOptions();

    UploadOptions() {
    }

    abstract B self();

    /** Checks every option into {@code problems}; returns the parsed address, or {@code null} when it is bad. */
    abstract HttpUrl check(List<Problem> problems);

    /**
     * Every problem with the options set so far, each on the option it is about ({@code serverAddress} or
     * {@code url}, {@code label}, {@code basicAuth}, {@code token}, {@code timeout}, ...); a value that may be a
     * secret is never carried. Empty when {@code build()} would succeed.
     *
     * @return a new list of every problem found
     */
    public List<Problem> problems() {
        List<Problem> problems = new ArrayList<>();
        check(problems);
        return problems;
    }

    /** The parsed address when every option holds; else throws, naming each bad option (never a secret's value). */
    HttpUrl checkedAddress(String reporter) {
        List<Problem> problems = new ArrayList<>();
        HttpUrl address = check(problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid " + reporter + " configuration: " + Problem.messages(problems));
        }
        return address;
    }

    /**
     * Extra headers of every upload, added to those set by earlier calls (a name given again takes the new value).
     * Values are treated as secrets: masked in every log line and never shown by {@code toString()}.
     *
     * @param headers header names (HTTP tokens) to values without control characters; not {@code null}
     * @return this builder
     */
    public B headers(Map<String, String> headers) {
        options.headers.putAll(Objects.requireNonNull(headers, "headers"));
        return self();
    }

    /**
     * The longest an upload may take, and the longest the reporter's {@code close()} waits; default 10 s. Connecting
     * alone is bounded by the smaller of this and 10 s.
     *
     * @param timeout above 0 and at most 5 min
     * @return this builder
     */
    public B timeout(Duration timeout) {
        options.timeout = timeout;
        return self();
    }

    /**
     * Attempts after the first for 429, 5xx and I/O errors; default 3. Other statuses are not retried.
     *
     * @param maxRetries 0 (one attempt only) to 20
     * @return this builder
     */
    public B maxRetries(int maxRetries) {
        options.maxRetries = maxRetries;
        return self();
    }

    /**
     * Events that may wait for upload before the oldest is dropped; default 16. Drops are counted in
     * {@link UploadingReporter#droppedUploads()}.
     *
     * @param capacity 1 to 10,000
     * @return this builder
     */
    public B queueCapacity(int capacity) {
        options.queueCapacity = capacity;
        return self();
    }

    /**
     * The first wait before a retry; it doubles with each attempt, jittered, up to 60 s. Default 1 s.
     *
     * @param backoff above 0 and at most 60 s
     * @return this builder
     */
    public B retryBackoff(Duration backoff) {
        options.retryBackoff = backoff;
        return self();
    }

    /** The clock that decides whether a capture is too old to send; package-private, for tests. */
    B clock(Clock clock) {
        options.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /**
     * A client to share (its connection pool and dispatcher); by default the reporter makes one of its own. The
     * reporter derives its own client from it, with redirects off and its own timeouts, and leaves the shared one
     * unchanged.
     *
     * @param client the client to share, or {@code null} for one of the reporter's own
     * @return this builder
     */
    public B httpClient(OkHttpClient client) {
        options.client = client;
        return self();
    }
}
