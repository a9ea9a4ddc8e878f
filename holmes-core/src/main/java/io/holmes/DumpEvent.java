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

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this event's values, to derive a changed copy. */
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

    /** Unique id of this event; the file stamp is in {@link #files()}. */
    public String id() {
        return id;
    }

    /** What was captured; files of this event start with its {@link DumpType#fileTag()}. */
    public DumpType type() {
        return type;
    }

    /**
     * The name of the {@link Trigger} that fired ({@code cpu}, {@code gc-heap}, {@code checkout-p99}, ...). For a
     * manual capture, the original trigger of {@link #type()}, whose readings the event carries. A trigger that
     * captures several types fires one event per type, all with this name.
     */
    public String trigger() {
        return trigger;
    }

    public Reason reason() {
        return reason;
    }

    /** The reading that fired the rule (for a manual capture: the latest reading, or -1 if none yet). */
    public int current() {
        return current;
    }

    /** Integer mean of {@link #window()}, the average {@link #current()} was compared with (0 when empty). */
    public int average() {
        return average;
    }

    /** The rule that fired, as it was configured at that moment; {@code null} for a manual capture. */
    public Rule rule() {
        return rule;
    }

    /** The previous readings of this metric, oldest first, that {@link #average()} was computed from. */
    public List<Integer> window() {
        return window;
    }

    /**
     * Readings of this event's metric taken while the capture ran, oldest first: whether the spike lasted.
     * Empty for captures shorter than the collect interval.
     */
    public List<Integer> readingsDuring() {
        return readingsDuring;
    }

    /** When the capture started. */
    public Instant start() {
        return start;
    }

    /** When the capture's files were complete. */
    public Instant end() {
        return end;
    }

    public Duration duration() {
        return Duration.between(start, end);
    }

    /** Every file written for this event, the event's own {@code .json} last. */
    public List<Path> files() {
        return files;
    }

    /** Host name of the machine that captured the event. */
    public String host() {
        return host;
    }

    public long pid() {
        return pid;
    }

    /** The JVM that was profiled: vendor, name and version. */
    public String jvm() {
        return jvm;
    }

    /**
     * Facts specific to the capture (for example how many threads a thread dump holds), in insertion order. Values
     * are text here; in the event's JSON a value that is an integer (such as {@code "420"}) is written as a JSON
     * number.
     */
    public Map<String, String> details() {
        return details;
    }

    /**
     * The window of the look-back recording that ends at the trigger, whose files ({@code <type>.<stamp>.before.*})
     * show what led up to it; empty when look-back is off, unavailable or failed for this event (the details say
     * why under {@code lookBack}). Everything else in the event (its {@link #start()}, {@link #end()} and the
     * files without {@code .before.}) is the forward capture, taken after the trigger.
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

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder type(DumpType type) {
            this.type = type;
            return this;
        }

        /** Trigger that fired; default the original trigger of the type ({@code cpu}, {@code mem}, {@code thread}). */
        public Builder trigger(String trigger) {
            this.trigger = trigger;
            return this;
        }

        public Builder reason(Reason reason) {
            this.reason = reason;
            return this;
        }

        public Builder current(int current) {
            this.current = current;
            return this;
        }

        public Builder average(int average) {
            this.average = average;
            return this;
        }

        public Builder rule(Rule rule) {
            this.rule = rule;
            return this;
        }

        public Builder window(List<Integer> window) {
            this.window.clear();
            this.window.addAll(window);
            return this;
        }

        public Builder readingsDuring(List<Integer> readings) {
            this.readingsDuring.clear();
            this.readingsDuring.addAll(readings);
            return this;
        }

        public Builder start(Instant start) {
            this.start = start;
            return this;
        }

        public Builder end(Instant end) {
            this.end = end;
            return this;
        }

        public Builder files(List<Path> files) {
            this.files.clear();
            this.files.addAll(files);
            return this;
        }

        public Builder addFile(Path file) {
            this.files.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder pid(long pid) {
            this.pid = pid;
            return this;
        }

        public Builder jvm(String jvm) {
            this.jvm = jvm;
            return this;
        }

        public Builder detail(String key, String value) {
            this.details.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder lookBack(LookBack lookBack) {
            this.lookBack = lookBack;
            return this;
        }

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

        public LookBack {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(view, "view");
            samples = Collections.unmodifiableMap(new LinkedHashMap<>(samples));
            files = List.copyOf(files);
        }

        public Duration duration() {
            return Duration.between(from, to);
        }
    }
}
