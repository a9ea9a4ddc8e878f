package io.holmes.reporters;

import io.holmes.Problem;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/** The delivery options both reporters share, their defaults and their checks. */
final class DeliveryOptions {

    Duration timeout = UploadOptions.DEFAULT_TIMEOUT;
    int maxRetries = UploadOptions.DEFAULT_MAX_RETRIES;
    int queueCapacity = UploadOptions.DEFAULT_QUEUE_CAPACITY;
    Duration retryBackoff = Duration.ofSeconds(1);
    Map<String, String> headers = new LinkedHashMap<>();
    OkHttpClient client;
    /** The clock that decides whether an event is too old to send; tests move it. */
    Clock clock = Clock.systemUTC();

    /** Adds every problem with these options to {@code problems}; header values are never quoted nor kept. */
    void check(List<Problem> problems) {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            problems.add(new Problem("timeout", timeout, "must be above 0 and at most 5m, but was " + timeout));
        }
        if (maxRetries < 0 || maxRetries > 20) {
            problems.add(new Problem("maxRetries", maxRetries, "must be between 0 and 20, but was " + maxRetries));
        }
        if (queueCapacity < 1 || queueCapacity > 10_000) {
            problems.add(new Problem("queueCapacity", queueCapacity,
                    "must be between 1 and 10000, but was " + queueCapacity));
        }
        if (retryBackoff == null || retryBackoff.isNegative() || retryBackoff.isZero()
                || retryBackoff.compareTo(Delivery.MAX_BACKOFF) > 0) {
            problems.add(new Problem("retryBackoff", retryBackoff,
                    "must be above 0 and at most " + Delivery.MAX_BACKOFF + ", but was " + retryBackoff));
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            if (name == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                problems.add(new Problem("header", name, "name must be an HTTP token, but was '" + name + "'"));
            } else if (header.getValue() == null || header.getValue().chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                problems.add(new Problem("header", null, "'" + name + "' must have a value without control characters"));
            }
        }
    }

    /**
     * Parses an http(s) address. Credentials in it are refused (they would end up in logs). A message quotes the
     * address only when it cannot hold a secret: never when it has user info, a query or a fragment, or could be
     * read as having them ({@code user:pass@host} without a scheme, a password containing {@code @}).
     */
    static HttpUrl parseAddress(String option, String address, List<Problem> problems) {
        if (address == null || address.isBlank()) {
            problems.add(new Problem(option, null, "must not be empty"));
            return null;
        }
        HttpUrl url = HttpUrl.parse(address.trim());
        if (url == null) {
            problems.add(new Problem(option, null, "must be an http:// or https:// URL, but was " + quoteUnlessSecret(address)));
            return null;
        }
        if (!url.username().isEmpty() || !url.password().isEmpty()) {
            problems.add(new Problem(option, null, "must not carry credentials (use basicAuth or a token), but was '"
                    + url.newBuilder().username("").password("").query(null).fragment(null).build()
                    + "' with credentials"));
            return null;
        }
        return url;
    }

    /**
     * {@code 'address'}, or a description without the value when it may hold a secret: user info ({@code @}),
     * a query ({@code ?}), a fragment ({@code #}), or characters no URL has.
     */
    static String quoteUnlessSecret(String address) {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == '@' || c == '?' || c == '#' || c <= ' ' || c >= 0x7f) {
                return "a value not shown here (it has '@', '?', '#' or white space, where credentials or a token"
                        + " could be)";
            }
        }
        return "'" + (address.length() > 200 ? address.substring(0, 200) + "..." : address) + "'";
    }

    /** The shared client with this reporter's call timeout; one per reporter, never one per upload. */
    OkHttpClient client() {
        OkHttpClient base = client != null ? client : new OkHttpClient();
        long millis = timeout.toMillis();
        return base.newBuilder()
                // A redirect would carry the token, the headers and every capture to a host nobody configured.
                .followRedirects(false)
                .followSslRedirects(false)
                .callTimeout(millis, TimeUnit.MILLISECONDS)
                .connectTimeout(Math.min(millis, 10_000), TimeUnit.MILLISECONDS)
                .build();
    }

    /** The options for a reporter's {@code toString()}: header names only, never their values. */
    String describe() {
        return (headers.isEmpty() ? "" : ", headers=" + headers.keySet()) + ", timeout=" + timeout + ", maxRetries="
                + maxRetries + ", queueCapacity=" + queueCapacity;
    }

    /**
     * Starts the delivery thread of a reporter built with these options.
     *
     * @param secrets the reporter's own secrets; header values are added, every one masked in logs
     * @param maxAge  events that started longer ago are dropped rather than sent; {@code null} for no limit
     */
    Delivery startDelivery(String target, String threadName, Delivery.RequestFactory requests,
                           Collection<String> secrets, Duration maxAge) {
        List<String> all = new ArrayList<>(secrets);
        all.addAll(headers.values());
        return new Delivery(target, threadName, client(), requests, queueCapacity, maxRetries, retryBackoff, timeout,
                Secrets.of(all), maxAge, clock);
    }
}
