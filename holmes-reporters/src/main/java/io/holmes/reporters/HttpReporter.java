package io.holmes.reporters;

import io.holmes.DumpEvent;
import io.holmes.Problem;
import io.holmes.internal.write.EventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * A webhook: POSTs every event to a URL as {@code multipart/form-data}, for alerting or archiving. Parts:
 * {@code event} (the event JSON), {@code type} and {@code reason}, {@code token} when one is configured, and
 * one {@code file} part per capture file, named as on disk (the look-back files {@code <type>.<stamp>.before.*} too). Same delivery guarantees as
 * {@link PyroscopeReporter}: a daemon thread ({@code holmes-webhook}), a bounded queue that drops the oldest,
 * retries with jittered backoff for 429, 5xx and I/O errors, no redirect followed, a close bounded by the timeout.
 * The token, header values and the URL's query values are masked in every log line.
 */
public final class HttpReporter extends UploadingReporter {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");
    private static final MediaType HTML = MediaType.get("text/html; charset=utf-8");
    private static final MediaType GZIP = MediaType.get("application/gzip");
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    private final HttpUrl url;
    private final String token;
    private final Map<String, String> headers;
    private final String description;

    private HttpReporter(Builder b, HttpUrl url) {
        super(b.options, "webhook " + url.host(), "holmes-webhook", secrets(b.token, url), null);
        this.url = url;
        this.token = b.token;
        this.headers = Map.copyOf(b.options.headers);
        this.description = "HttpReporter{url=" + url.newBuilder().query(null).build() + ", token="
                + (token != null ? "***" : "none") + b.options.describe() + '}';
    }

    /** The token and the values of the URL's query (a webhook key often travels there): masked in every log. */
    private static List<String> secrets(String token, HttpUrl url) {
        List<String> secrets = new ArrayList<>();
        secrets.add(token);
        for (int i = 0; i < url.querySize(); i++) {
            secrets.add(url.queryParameterValue(i));
        }
        return secrets;
    }

    /**
     * Starts a webhook reporter. The URL is checked by {@link Builder#build()}.
     *
     * @param url where to POST, {@code http://} or {@code https://}, without user info (use a token or a header);
     *            values in its query are masked in logs
     * @return a builder with the default delivery options
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Queues the event for upload and returns at once. */
    @Override
    public void report(DumpEvent event) {
        queue(event);
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    Request request(DumpEvent event) throws IOException {
        MultipartBody.Builder body = new MultipartBody.Builder().setType(MultipartBody.FORM);
        String eventName = event.type().fileTag() + ".json";
        List<Path> captures = new ArrayList<>();
        for (Path file : event.files()) {
            String name = file.getFileName().toString();
            if (name.endsWith(".json")) {
                eventName = name;
            } else {
                if (!Files.isRegularFile(file)) {
                    throw new NoSuchFileException(file.toString());
                }
                captures.add(file);
            }
        }
        body.addFormDataPart("event", eventName, RequestBody.create(EventJson.toJson(event), JSON));
        body.addFormDataPart("type", event.type().fileTag());
        body.addFormDataPart("reason", event.reason().name().toLowerCase(Locale.ROOT));
        if (token != null) {
            body.addFormDataPart("token", token);
        }
        for (Path file : captures) {
            body.addFormDataPart("file", file.getFileName().toString(), RequestBody.create(file.toFile(), typeOf(file)));
        }
        Request.Builder request = new Request.Builder().url(url).post(body.build()).header("User-Agent", "holmes-jvm");
        headers.forEach(request::header);
        return request.build();
    }

    private static MediaType typeOf(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".gz")) {
            return GZIP;
        }
        if (name.endsWith(".txt")) {
            return TEXT;
        }
        if (name.endsWith(".html")) {
            return HTML;
        }
        return OCTETS;
    }

    /** Configures an {@link HttpReporter}; {@link #build()} checks every option at once. */
    public static final class Builder extends UploadOptions<Builder> {
        private final String url;
        private String token;

        private Builder(String url) {
            this.url = url;
        }

        /**
         * Sent as the {@code token} form field of every upload, for the receiver to check; masked in every log line.
         *
         * @param token a non-empty value without control characters, or {@code null} for none (the default)
         * @return this builder
         */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Checks every option and builds; the reporter's delivery thread starts at once.
         *
         * @return a new reporter, to be closed when no longer needed ({@link io.holmes.Holmes#close()} does it for
         *         the reporters it was given)
         * @throws IllegalArgumentException naming each bad option, never a secret's value
         */
        public HttpReporter build() {
            return new HttpReporter(this, checkedAddress("HTTP reporter"));
        }

        @Override
        HttpUrl check(List<Problem> problems) {
            HttpUrl parsed = DeliveryOptions.parseAddress("url", url, problems);
            if (token != null && (token.isEmpty() || token.chars().anyMatch(c -> c < 0x20))) {
                problems.add(new Problem("token", null, "must be a non-empty value without control characters"));
            }
            options.check(problems);
            return parsed;
        }
    }
}
