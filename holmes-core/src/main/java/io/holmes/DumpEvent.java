package io.holmes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One capture, as written beside its files in {@code <type>.<stamp>.json} and handed to every
 * {@link ProfileReporter}. Immutable.
 */
public final class DumpEvent {

    private final String id;
    private final DumpType type;
    private final String trigger;
    private final Reason reason;
    private final int current;
    private final int average;
    private final Rule rule;
    private final List<Integer> window;
    private final List<Integer> readingsDuring;
    private final Instant start;
    private final Instant end;
    private final List<Path> files;
    private final String host;
    private final long pid;
    private final String jvm;
    private final Map<String, String> details;
    private final LookBack lookBack;

    private DumpEvent(Builder b) {
        this.id = Objects.requireNonNull(b.id, "id");
        this.type = Objects.requireNonNull(b.type, "type");
        this.trigger = b.trigger == null ? type.fileTag() : b.trigger;
        this.reason = Objects.requireNonNull(b.reason, "reason");
        this.current = b.current;
        this.average = b.average;
        this.rule = b.rule;
        this.window = List.copyOf(b.window);
        this.readingsDuring = List.copyOf(b.readingsDuring);
        this.start = Objects.requireNonNull(b.start, "start");
        this.end = b.end == null ? b.start : b.end;
        this.files = List.copyOf(b.files);
        this.host = b.host == null ? "" : b.host;
        this.pid = b.pid;
        this.jvm = b.jvm == null ? "" : b.jvm;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(b.details));
        this.lookBack = b.lookBack;
    }

    /**
     * Starts an event. Holmes builds its own; reporters and their tests may build theirs.
     *
     * @return an empty builder: {@code id}, {@code type}, {@code reason} and {@code start} must be set before
     *         {@link Builder#build()}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this event's values, to derive a changed copy; this event is not affected.
     *
     * @return a new builder with every value of this event
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.type = type;
        b.trigger = trigger;
        b.reason = reason;
        b.current = current;
        b.average = average;
        b.rule = rule;
        b.window.addAll(window);
        b.readingsDuring.addAll(readingsDuring);
        b.start = start;
        b.end = end;
        b.files.addAll(files);
        b.host = host;
        b.pid = pid;
        b.jvm = jvm;
        b.details.putAll(details);
        b.lookBack = lookBack;
        return b;
    }

    /**
     * {@return the unique id of this event; equality of events is equality of ids} The file stamp is in
     * {@link #files()}.
     */
    public String id() {
        return id;
    }

    /** {@return what was captured; files of this event start with its {@link DumpType#fileTag()}} */
    public DumpType type() {
        return type;
    }

    /**
     * The name of the {@link Trigger} that fired ({@code cpu}, {@code gc-heap}, {@code checkout-p99}, ...). For a
     * manual capture, the original trigger of {@link #type()}, whose readings the event carries. A trigger that
     * captures several types fires one event per type, all with this name.
     *
     * @return the trigger's name, never {@code null}
     */
    public String trigger() {
        return trigger;
    }

    /** {@return why the capture happened: a rule's {@code abs} or {@code diff} branch, or a manual request} */
    public Reason reason() {
        return reason;
    }

    /** {@return the reading that fired the rule (for a manual capture: the latest reading, or -1 if none yet)} */
    public int current() {
        return current;
    }

    /**
     * {@return the integer mean of {@link #window()}, the average {@link #current()} was compared with (0 when
     * empty)}
     */
    public int average() {
        return average;
    }

    /** {@return the rule that fired, as it was configured at that moment; {@code null} for a manual capture} */
    public Rule rule() {
        return rule;
    }

    /**
     * {@return the previous readings of this metric, oldest first, that {@link #average()} was computed from} At
     * most ten; unmodifiable.
     */
    public List<Integer> window() {
        return window;
    }

    /**
     * Readings of this event's metric taken while the capture ran, oldest first: whether the spike lasted.
     * Empty for captures shorter than the collect interval.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<Integer> readingsDuring() {
        return readingsDuring;
    }

    /** {@return when the forward capture started, after the trigger} */
    public Instant start() {
        return start;
    }

    /** {@return when the capture's files were complete; {@link #start()} when it was never set} */
    public Instant end() {
        return end;
    }

    /** {@return how long the capture took, from {@link #start()} to {@link #end()}} */
    public Duration duration() {
        return Duration.between(start, end);
    }

    /** {@return every file written for this event, the event's own {@code .json} last; unmodifiable} */
    public List<Path> files() {
        return files;
    }

    /** {@return the host name of the machine that captured the event; empty when unknown} */
    public String host() {
        return host;
    }

    /** {@return the process id of the JVM that captured the event; 0 when unknown} */
    public long pid() {
        return pid;
    }

    /** {@return the JVM that was profiled: vendor, name and version; empty when unknown} */
    public String jvm() {
        return jvm;
    }

    /**
     * Facts specific to the capture (for example how many threads a thread dump holds), in insertion order. Values
     * are text here; in the event's JSON a value that is an integer (such as {@code "420"}) is written as a JSON
     * number.
     *
     * @return an unmodifiable map, possibly empty
     */
    public Map<String, String> details() {
        return details;
    }

    /**
     * The window of the look-back recording that ends at the trigger, whose files ({@code <type>.<stamp>.before.*})
     * show what led up to it; empty when look-back is off, unavailable or failed for this event (the details say
     * why under {@code lookBack}). Everything else in the event (its {@link #start()}, {@link #end()} and the
     * files without {@code .before.}) is the forward capture, taken after the trigger.
     *
     * @return the look-back window, or empty
     */
    public Optional<LookBack> lookBack() {
        return Optional.ofNullable(lookBack);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DumpEvent && ((DumpEvent) o).id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "DumpEvent{id=" + id + ", type=" + type + ", trigger=" + trigger + ", reason=" + reason
                + ", current=" + current
                + ", average=" + average + ", start=" + start + ", end=" + end + ", files=" + files + '}';
    }

    /** Builds a {@link DumpEvent}; Holmes builds its own, reporters' tests build theirs. */
    public static final class Builder {
        private String id;
        private DumpType type;
        private String trigger;
        private Reason reason;
        private int current = -1;
        private int average;
        private Rule rule;
        private final List<Integer> window = new ArrayList<>();
        private final List<Integer> readingsDuring = new ArrayList<>();
        private Instant start;
        private Instant end;
        private final List<Path> files = new ArrayList<>();
        private String host;
        private long pid;
        private String jvm;
        private final Map<String, String> details = new LinkedHashMap<>();
        private LookBack lookBack;

        private Builder() {
        }

        /**
         * Sets the event's unique id. Required.
         *
         * @param id text unique among the events the reporters see
         * @return this builder
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets what was captured. Required.
         *
         * @param type the capture type
         * @return this builder
         */
        public Builder type(DumpType type) {
            this.type = type;
            return this;
        }

        /**
         * Sets the trigger that fired; default the original trigger of the type ({@code cpu}, {@code mem},
         * {@code thread}).
         *
         * @param trigger the trigger's name, or {@code null} for the default
         * @return this builder
         */
        public Builder trigger(String trigger) {
            this.trigger = trigger;
            return this;
        }

        /**
         * Sets why the capture happened. Required.
         *
         * @param reason the reason
         * @return this builder
         */
        public Builder reason(Reason reason) {
            this.reason = reason;
            return this;
        }

        /**
         * Sets the reading that fired the rule; default -1 (no reading).
         *
         * @param current the reading
         * @return this builder
         */
        public Builder current(int current) {
            this.current = current;
            return this;
        }

        /**
         * Sets the average the reading was compared with; default 0.
         *
         * @param average the integer mean of the window
         * @return this builder
         */
        public Builder average(int average) {
            this.average = average;
            return this;
        }

        /**
         * Sets the rule that fired; default {@code null}, as for a manual capture.
         *
         * @param rule the rule, or {@code null}
         * @return this builder
         */
        public Builder rule(Rule rule) {
            this.rule = rule;
            return this;
        }

        /**
         * Replaces the previous readings, oldest first; default none.
         *
         * @param window the readings, copied
         * @return this builder
         */
        public Builder window(List<Integer> window) {
            this.window.clear();
            this.window.addAll(window);
            return this;
        }

        /**
         * Replaces the readings taken while the capture ran, oldest first; default none.
         *
         * @param readings the readings, copied
         * @return this builder
         */
        public Builder readingsDuring(List<Integer> readings) {
            this.readingsDuring.clear();
            this.readingsDuring.addAll(readings);
            return this;
        }

        /**
         * Sets when the capture started. Required.
         *
         * @param start the start
         * @return this builder
         */
        public Builder start(Instant start) {
            this.start = start;
            return this;
        }

        /**
         * Sets when the capture's files were complete; default the start.
         *
         * @param end the end, or {@code null} for the start
         * @return this builder
         */
        public Builder end(Instant end) {
            this.end = end;
            return this;
        }

        /**
         * Replaces the event's files; default none.
         *
         * @param files the files, copied; the event's own {@code .json} goes last
         * @return this builder
         */
        public Builder files(List<Path> files) {
            this.files.clear();
            this.files.addAll(files);
            return this;
        }

        /**
         * Adds one file after those set so far.
         *
         * @param file the file; not {@code null}
         * @return this builder
         */
        public Builder addFile(Path file) {
            this.files.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * Sets the host name; default empty.
         *
         * @param host the host name, or {@code null} for empty
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the process id; default 0.
         *
         * @param pid the process id
         * @return this builder
         */
        public Builder pid(long pid) {
            this.pid = pid;
            return this;
        }

        /**
         * Sets the JVM's vendor, name and version; default empty.
         *
         * @param jvm the description, or {@code null} for empty
         * @return this builder
         */
        public Builder jvm(String jvm) {
            this.jvm = jvm;
            return this;
        }

        /**
         * Adds or replaces one fact specific to the capture, kept in insertion order.
         *
         * @param key   the fact's name; not {@code null}
         * @param value its value as text; not {@code null}
         * @return this builder
         */
        public Builder detail(String key, String value) {
            this.details.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the look-back window; default none.
         *
         * @param lookBack the window, or {@code null} for none
         * @return this builder
         */
        public Builder lookBack(LookBack lookBack) {
            this.lookBack = lookBack;
            return this;
        }

        /**
         * Builds the event; the builder may go on being used.
         *
         * @return a new immutable event
         * @throws NullPointerException when {@code id}, {@code type}, {@code reason} or {@code start} is missing
         */
        public DumpEvent build() {
            return new DumpEvent(this);
        }
    }

    /**
     * What the look-back recording held for the window before the trigger.
     *
     * @param from    where the window actually begins: the requested look-back before {@code to}, or later when the
     *                recording had not been running that long
     * @param to      the trigger: the moment the rule fired or the manual capture was asked for
     * @param view    what the {@code .before.pb.gz} and {@code .before.html} show, such as {@code "cpu samples"}
     * @param samples events of the window by JDK Flight Recorder event type, such as {@code jdk.ExecutionSample}
     * @param files   the {@code <type>.<stamp>.before.*} files, also listed in {@link DumpEvent#files()}
     */
    public record LookBack(Instant from, Instant to, String view, Map<String, Long> samples, List<Path> files) {

        /**
         * Copies {@code samples} and {@code files}, so that the record is immutable.
         *
         * @param from    where the window begins; not {@code null}
         * @param to      the trigger; not {@code null}
         * @param view    what the profile files show; not {@code null}
         * @param samples event counts by Flight Recorder event type; copied
         * @param files   the window's files; copied
         */
        public LookBack {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(view, "view");
            samples = Collections.unmodifiableMap(new LinkedHashMap<>(samples));
            files = List.copyOf(files);
        }

        /** {@return the window's length, from {@link #from()} to {@link #to()}} */
        public Duration duration() {
            return Duration.between(from, to);
        }
    }
}
