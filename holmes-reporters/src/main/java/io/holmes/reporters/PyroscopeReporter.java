package io.holmes.reporters;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Pushes Holmes' captures to a Pyroscope server through its ingest API, the way Pyroscope's own Java agent
 * does: CPU and MEM captures as JFR ({@code format=jfr}, gzipped part {@code jfr}), thread dumps as pprof (parts
 * {@code profile} and {@code sample_type_config}, and no {@code format} parameter: with {@code format=pprof} the
 * server would read the whole multipart body as one profile). The series name is {@code application{labels}} with
 * the keys sorted; the trigger travels as {@code holmes_trigger} and {@code holmes_reason} so triggered profiles
 * can be told from continuous ones.
 *
 * <p>An event with a look-back window makes a second upload: its {@code .before.jfr} as JFR over the window's own
 * time range ({@code from} and {@code until} of the seconds before the trigger), labelled {@code holmes_window=before}.
 * It goes as JFR for every type, thread events too: the server's JFR parser turns its execution, allocation, monitor
 * and park events into profiles of their own.
 *
 * <p>One upload per recording: when a CPU and a MEM trigger shared one profiling session, their events hold the
 * same JFR, and the server converts every event type in an upload; so the recording is uploaded once, with the
 * first event, labelled {@code holmes_trigger=cpu+mem}. A thread dump is uploaded with one sample type (live
 * threads, filed under the {@code threads} profile type) and one label per sample, the thread state.
 *
 * <p>{@link #report(DumpEvent)} only queues: uploads run on the {@code holmes-pyroscope} daemon thread behind a
 * bounded queue that drops the oldest event when full. 429, 5xx and I/O errors are retried with jittered
 * exponential backoff up to {@code maxRetries}; other statuses are logged once with the server's message, and a
 * redirect is a failure (none is followed). A capture that started more than {@link #MAX_AGE} ago is dropped,
 * not sent: the server refuses profiles older than an hour. Passwords and tokens never appear in logs,
 * exceptions or {@link #toString()}.
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
     * The oldest capture still sent. The server refuses profiles older than its ingestion window (one hour by
     * default, {@code validation.reject-older-than}); the margin leaves time for the upload and a little skew.
     */
    public static final Duration MAX_AGE = Duration.ofMinutes(55);

    /** Event details written by holmes-core when one recording served several events (see ProfileCapturer). */
    static final String RECORDING = "recording";
    static final String RECORDING_TRIGGERS = "recordingTriggers";
    static final String RECORDING_REASONS = "recordingReasons";

    /**
     * How Pyroscope should read Holmes' thread profile: one sample per thread, summed. The server takes only the
     * display name from it (to name the profile type); the upload itself carries just this one sample type.
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
        super(b.options, "Pyroscope at " + server, "holmes-pyroscope", secrets(b), MAX_AGE);
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
     * Starts a Pyroscope reporter. Both values are checked by {@link Builder#build()}.
     *
     * @param serverAddress   the server, for example {@code http://pyroscope:4040} (a path prefix is kept); without
     *                        user info, query or fragment (use {@link Builder#basicAuth} or
     *                        {@link Builder#bearerToken})
     * @param applicationName the application's name in Pyroscope: letters, digits, {@code _ . / -}
     * @return a builder with the default delivery options and no labels or authentication
     */
    public static Builder builder(String serverAddress, String applicationName) {
        return new Builder(serverAddress, applicationName);
    }

    private static List<String> secrets(Builder b) {
        List<String> secrets = new ArrayList<>(Secrets.basic(b.basicUser, b.basicPassword));
        secrets.add(b.bearerToken);
        return secrets;
    }

    /**
     * Queues the event's profile for upload and returns at once. Events without a profile file are skipped, and
     * so is an event whose recording another event of the same session uploads.
     */
    @Override
    public void report(DumpEvent event) {
        Path profile = profileOf(event);
        if (profile != null && uploadsItsRecording(event, profile)) {
            queue(event);
            // Events that shared a session share their window too: it goes once, with the recording.
            beforeWindow(event).ifPresent(this::queue);
        }
    }

    /** Details key marking the upload of a look-back window (an event derived here, never seen outside). */
    private static final String WINDOW_DETAIL = "holmes.reporter.window";

    /** The look-back window as an event of its own: its time range, its files, marked for {@link #request}. */
    static Optional<DumpEvent> beforeWindow(DumpEvent event) {
        return event.lookBack().filter(w -> beforeJfrOf(w.files()) != null)
                .map(w -> event.toBuilder().start(w.from()).end(w.to()).files(w.files())
                        .detail(WINDOW_DETAIL, "before").build());
    }

    private static Path beforeJfrOf(List<Path> files) {
        return files.stream().filter(f -> f.getFileName().toString().endsWith(".before.jfr")).findFirst().orElse(null);
    }

    /** Whether {@code event} is the one that uploads its recording: the lead of its session, or alone in it. */
    static boolean uploadsItsRecording(DumpEvent event, Path profile) {
        String recording = event.details().get(RECORDING);
        return recording == null || event.type() == DumpType.THREAD
                || profile.getFileName().toString().equals(recording + ".jfr");
    }

    @Override
    public String toString() {
        return description;
    }

    /** The forward capture's profile: the look-back files ({@code .before.}) are not it. */
    private static Path profileOf(DumpEvent event) {
        String suffix = event.type() == DumpType.THREAD ? ".pb.gz" : ".jfr";
        for (Path file : event.files()) {
            String name = file.getFileName().toString();
            if (name.endsWith(suffix) && !name.contains(".before.")) {
                return file;
            }
        }
        return null;
    }

    /** The ingest request for {@code event}; built again for every attempt, reading the file from disk. */
    @Override
    Request request(DumpEvent event) throws IOException {
        boolean before = "before".equals(event.details().get(WINDOW_DETAIL));
        Path profile = before ? beforeJfrOf(event.files()) : profileOf(event);
        if (profile == null || !Files.isRegularFile(profile)) {
            throw new NoSuchFileException(String.valueOf(profile));
        }
        Map<String, String> series = new LinkedHashMap<>(labels);
        String triggers = event.details().getOrDefault(RECORDING_TRIGGERS, event.type().fileTag());
        series.put(Labels.TRIGGER, triggers);
        series.put(Labels.REASON, event.details().getOrDefault(RECORDING_REASONS,
                event.reason().name().toLowerCase(Locale.ROOT)));
        if (before) {
            series.put(Labels.WINDOW, "before");
        }
        long from = event.start().getEpochSecond();
        long until = Math.max(from + 1, event.end().getEpochSecond() + (event.end().getNano() > 0 ? 1 : 0));
        HttpUrl.Builder url = ingest.newBuilder()
                .addQueryParameter("name", Labels.seriesName(applicationName, series))
                .addQueryParameter("from", Long.toString(from))
                .addQueryParameter("until", Long.toString(until))
                .addQueryParameter("spyName", SPY_NAME);
        MultipartBody.Builder body = new MultipartBody.Builder().setType(MultipartBody.FORM);
        if (event.type() == DumpType.THREAD && !before) {
            // No format parameter: with format=pprof the server reads the whole body as one profile
            // (readInputRawDataFromRequest); without it, a multipart body is read part by part.
            body.addFormDataPart("profile", "profile.pprof",
                    RequestBody.create(ThreadSeries.forUpload(Files.readAllBytes(profile)), OCTETS));
            body.addFormDataPart("sample_type_config", "sample_type_config.json",
                    RequestBody.create(THREAD_SAMPLE_TYPES, JSON));
        } else {
            boolean cpu = event.type() != DumpType.MEM || Arrays.asList(triggers.split("\\+")).contains("cpu");
            url.addQueryParameter("format", "jfr")
                    .addQueryParameter("sampleRate", event.details().getOrDefault(
                            before ? "lookBackSampleRate" : "sampleRate", DEFAULT_SAMPLE_RATE))
                    .addQueryParameter("units", cpu ? "samples" : "objects")
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

        /**
         * Static labels of every upload, added to those set by earlier calls.
         *
         * @param labels keys of letters, digits, {@code _} and {@code .} (not starting with {@code __}, and none Holmes
         *               or the server sets, such as {@code holmes_trigger} or {@code service_name}) to non-empty
         *               values without {@code { } , =} or white space; not {@code null}
         * @return this builder
         */
        public Builder labels(Map<String, String> labels) {
            this.labels.putAll(Objects.requireNonNull(labels, "labels"));
            return this;
        }

        /**
         * The tenant, sent as {@code X-Scope-OrgID} to a multi-tenant server.
         *
         * @param tenantId a non-blank value without control characters, or {@code null} for none (the default)
         * @return this builder
         */
        public Builder tenantId(String tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        /**
         * HTTP basic authentication, sent as {@code Authorization: Basic ...}; not together with
         * {@link #bearerToken(String)}. Both values are masked in every log line.
         *
         * @param user     a non-empty user name without {@code ':'}
         * @param password the password; not {@code null}
         * @return this builder
         */
        public Builder basicAuth(String user, String password) {
            this.basicUser = user;
            this.basicPassword = password;
            return this;
        }

        /**
         * Sent as {@code Authorization: Bearer <token>}; not together with {@link #basicAuth(String, String)}. Masked
         * in every log line.
         *
         * @param token a non-blank value without control characters, or {@code null} for none (the default)
         * @return this builder
         */
        public Builder bearerToken(String token) {
            this.bearerToken = token;
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
        public PyroscopeReporter build() {
            return new PyroscopeReporter(this, checkedAddress("Pyroscope reporter"));
        }

        @Override
        HttpUrl check(List<Problem> problems) {
            HttpUrl server = DeliveryOptions.parseAddress("serverAddress", serverAddress, problems);
            if (server != null && (server.query() != null || server.fragment() != null)) {
                problems.add(new Problem("serverAddress", null, "must not have a query or a fragment, but was '"
                        + server.newBuilder().query(null).fragment(null).build() + "' with one (not shown: it may"
                        + " hold a token)"));
            }
            problems.addAll(Labels.check(applicationName, labels));
            if (tenantId != null && (tenantId.isBlank() || tenantId.chars().anyMatch(c -> c < 0x20))) {
                problems.add(new Problem("tenantId", null, "must be a non-blank value without control characters"));
            }
            if (basicUser != null || basicPassword != null) {
                if (basicUser == null || basicUser.isEmpty() || basicUser.indexOf(':') >= 0) {
                    problems.add(new Problem("basicAuth", null, "user must be non-empty without ':'"));
                }
                if (basicPassword == null) {
                    problems.add(new Problem("basicAuth", null, "password must not be null"));
                }
                if (bearerToken != null) {
                    problems.add(new Problem("bearerToken", null, "must not be set together with basicAuth; set one"));
                }
            }
            if (bearerToken != null && (bearerToken.isBlank() || bearerToken.chars().anyMatch(c -> c < 0x20))) {
                problems.add(new Problem("bearerToken", null, "must be a non-blank value without control characters"));
            }
            options.check(problems);
            return server;
        }

        @Override
        public String toString() {
            return "PyroscopeReporter.Builder{serverAddress="
                    + (serverAddress == null ? null : DeliveryOptions.quoteUnlessSecret(serverAddress))
                    + ", applicationName=" + applicationName
                    + ", labels=" + labels + ", auth=" + (bearerToken != null ? "bearer token"
                    : basicUser != null ? "basic" : "none") + '}';
        }
    }
}
