package io.holmes.reporters;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Pushes Holmes' captures to a Pyroscope server through its ingest API, the way Pyroscope's own Java agent
 * does: CPU and MEM captures as JFR ({@code format=jfr}, gzipped part {@code jfr}), thread dumps as pprof
 * ({@code format=pprof}, parts {@code profile} and {@code sample_type_config}). The series name is
 * {@code application{labels}} with the keys sorted; the trigger travels as {@code holmes_trigger} and
 * {@code holmes_reason} so triggered profiles can be told from continuous ones.
 *
 * <p>{@link #report(DumpEvent)} only queues: uploads run on the {@code holmes-pyroscope} daemon thread behind a
 * bounded queue that drops the oldest event when full. 429, 5xx and I/O errors are retried with jittered
 * exponential backoff up to {@code maxRetries}; other statuses are logged once with the server's message.
 * Passwords and tokens never appear in logs, exceptions or {@link #toString()}.
 *
 * <pre>{@code
 * PyroscopeReporter pyroscope = PyroscopeReporter.builder("http://pyroscope:4040", "checkout")
 *     .labels(Map.of("env", "prod"))
 *     .build();
 * Holmes.builder().reporter(pyroscope) ...
 * }</pre>
 */
public final class PyroscopeReporter extends UploadingReporter {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final String SPY_NAME = "javaspy";
    /** CPU samples per second when an event does not say (async-profiler's and the agent's 10 ms default). */
    static final String DEFAULT_SAMPLE_RATE = "100";

    /**
     * How Pyroscope should read Holmes' thread profile: one sample per thread, summed. Its second sample type
     * (thread CPU time since each thread started) is not a rate, so it is left out.
     */
    static final String THREAD_SAMPLE_TYPES =
            "{\"threads\":{\"units\":\"goroutines\",\"aggregation\":\"sum\",\"display-name\":\"threads\","
                    + "\"sampled\":false,\"cumulative\":false}}";

    private final HttpUrl ingest;
    private final String applicationName;
    private final Map<String, String> labels;
    private final String tenantId;
    private final String authorization;
    private final String authKind;
    private final Map<String, String> headers;
    private final String description;

    private PyroscopeReporter(Builder b, HttpUrl server) {
        super(b.options, "Pyroscope at " + server, "holmes-pyroscope");
        this.ingest = server.newBuilder().addPathSegment("ingest").build();
        this.applicationName = b.applicationName;
        this.labels = Map.copyOf(b.labels);
        this.tenantId = b.tenantId;
        if (b.bearerToken != null) {
            this.authorization = "Bearer " + b.bearerToken;
            this.authKind = "bearer token";
        } else if (b.basicUser != null) {
            this.authorization = Credentials.basic(b.basicUser, b.basicPassword);
            this.authKind = "basic (user " + b.basicUser + ")";
        } else {
            this.authorization = null;
            this.authKind = "none";
        }
        this.headers = Map.copyOf(b.options.headers);
        this.description = "PyroscopeReporter{server=" + server + ", applicationName=" + applicationName
                + ", labels=" + new TreeMap<>(labels) + (tenantId != null ? ", tenantId=" + tenantId : "")
                + ", auth=" + authKind + b.options.describe() + '}';
    }

    /**
     * @param serverAddress   the server, for example {@code http://pyroscope:4040} (a path prefix is kept)
     * @param applicationName the application's name in Pyroscope
     */
    public static Builder builder(String serverAddress, String applicationName) {
        return new Builder(serverAddress, applicationName);
    }

    /** Queues the event's profile for upload and returns at once. Events without a profile file are skipped. */
    @Override
    public void report(DumpEvent event) {
        if (profileOf(event) != null) {
            queue(event);
        }
    }







    @Override
    public String toString() {
        return description;
    }

    private static Path profileOf(DumpEvent event) {
        String suffix = event.type() == DumpType.THREAD ? ".pb.gz" : ".jfr";
        for (Path file : event.files()) {
            if (file.getFileName().toString().endsWith(suffix)) {
                return file;
            }
        }
        return null;
    }

    /** The ingest request for {@code event}; built again for every attempt, reading the file from disk. */
    @Override
    Request request(DumpEvent event) throws IOException {
        Path profile = profileOf(event);
        if (profile == null || !Files.isRegularFile(profile)) {
            throw new NoSuchFileException(String.valueOf(profile));
        }
        Map<String, String> series = new LinkedHashMap<>(labels);
        series.put(Labels.TRIGGER, event.type().fileTag());
        series.put(Labels.REASON, event.reason().name().toLowerCase(Locale.ROOT));
        long from = event.start().getEpochSecond();
        long until = Math.max(from + 1, event.end().getEpochSecond() + (event.end().getNano() > 0 ? 1 : 0));
        HttpUrl.Builder url = ingest.newBuilder()
                .addQueryParameter("name", Labels.seriesName(applicationName, series))
                .addQueryParameter("from", Long.toString(from))
                .addQueryParameter("until", Long.toString(until))
                .addQueryParameter("spyName", SPY_NAME);
        MultipartBody.Builder body = new MultipartBody.Builder().setType(MultipartBody.FORM);
        if (event.type() == DumpType.THREAD) {
            url.addQueryParameter("format", "pprof");
            body.addFormDataPart("profile", "profile.pprof", RequestBody.create(profile.toFile(), OCTETS));
            body.addFormDataPart("sample_type_config", "sample_type_config.json",
                    RequestBody.create(THREAD_SAMPLE_TYPES, JSON));
        } else {
            url.addQueryParameter("format", "jfr")
                    .addQueryParameter("sampleRate", event.details().getOrDefault("sampleRate", DEFAULT_SAMPLE_RATE))
                    .addQueryParameter("units", event.type() == DumpType.MEM ? "objects" : "samples")
                    .addQueryParameter("aggregationType", "sum");
            body.addFormDataPart("jfr", "jfr", new GzipFileBody(profile, null));
        }
        Request.Builder request = new Request.Builder().url(url.build()).post(body.build())
                .header("User-Agent", "holmes-jvm");
        headers.forEach(request::header);
        if (tenantId != null) {
            request.header("X-Scope-OrgID", tenantId);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.build();
    }

    /** Configures a {@link PyroscopeReporter}; {@link #build()} checks every option at once. */
    public static final class Builder extends UploadOptions<Builder> {
        private final String serverAddress;
        private final String applicationName;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String tenantId;
        private String basicUser;
        private String basicPassword;
        private String bearerToken;

        private Builder(String serverAddress, String applicationName) {
            this.serverAddress = serverAddress;
            this.applicationName = applicationName;
        }

        /** Static labels of every upload; keys and values may not contain {@code { } , =} or white space. */
        public Builder labels(Map<String, String> labels) {
            this.labels.putAll(Objects.requireNonNull(labels, "labels"));
            return this;
        }

        /** The tenant, sent as {@code X-Scope-OrgID} to a multi-tenant server. */
        public Builder tenantId(String tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        public Builder basicAuth(String user, String password) {
            this.basicUser = user;
            this.basicPassword = password;
            return this;
        }

        /** Sent as {@code Authorization: Bearer <token>}. */
        public Builder bearerToken(String token) {
            this.bearerToken = token;
            return this;
        }







        /** Checks every option and builds; the message names each bad option (never a secret's value). */
        @Override
        Builder self() {
            return this;
        }

        public PyroscopeReporter build() {
            List<String> problems = new ArrayList<>();
            HttpUrl server = DeliveryOptions.parseAddress("serverAddress", serverAddress, problems);
            if (server != null && server.query() != null) {
                problems.add("serverAddress must not have a query, but was '" + server + "'");
            }
            problems.addAll(Labels.check(applicationName, labels));
            if (tenantId != null && (tenantId.isBlank() || tenantId.chars().anyMatch(c -> c < 0x20))) {
                problems.add("tenantId must be a non-blank value without control characters");
            }
            if (basicUser != null || basicPassword != null) {
                if (basicUser == null || basicUser.isEmpty() || basicUser.indexOf(':') >= 0) {
                    problems.add("basicAuth user must be non-empty without ':'");
                }
                if (basicPassword == null) {
                    problems.add("basicAuth password must not be null");
                }
                if (bearerToken != null) {
                    problems.add("basicAuth and bearerToken exclude each other; set one");
                }
            }
            if (bearerToken != null && (bearerToken.isBlank() || bearerToken.chars().anyMatch(c -> c < 0x20))) {
                problems.add("bearerToken must be a non-blank value without control characters");
            }
            options.check(problems);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid Pyroscope reporter configuration: "
                        + String.join("; ", problems));
            }
            return new PyroscopeReporter(this, server);
        }

        @Override
        public String toString() {
            return "PyroscopeReporter.Builder{serverAddress=" + serverAddress + ", applicationName=" + applicationName
                    + ", labels=" + labels + ", auth=" + (bearerToken != null ? "bearer token"
                    : basicUser != null ? "basic" : "none") + '}';
        }
    }
}
