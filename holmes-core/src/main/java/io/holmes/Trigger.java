package io.holmes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named reading with a {@link Rule} and the captures it takes when the rule fires. Holmes reads every trigger's
 * {@link Probe} each collect interval and applies the rule semantics to it with its own window of 10 readings and
 * its own cooldown, exactly as for the built-in {@code cpu}, {@code mem} and {@code thread} triggers.
 *
 * <pre>{@code
 * Holmes.builder()
 *     .trigger(Trigger.builder("checkout-p99", () -> p99Millis())
 *         .rule(200, 100, 2_000, Duration.ofMinutes(5))   // min, diff %, abs, cooldown
 *         .captures(DumpType.CPU, DumpType.THREAD)
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>Readings are longs; the rule compares them as integers, so a reading above {@link Integer#MAX_VALUE} counts as
 * {@link Integer#MAX_VALUE}. Immutable.
 */
public final class Trigger {

    /** Built-in trigger: process CPU % ({@link Holmes.Builder#cpuDump}). */
    public static final String CPU = "cpu";
    /** Built-in trigger: heap % of memoryLimit ({@link Holmes.Builder#memDump}). */
    public static final String MEM = "mem";
    /** Built-in trigger: live threads ({@link Holmes.Builder#threadDump}). */
    public static final String THREAD = "thread";
    /** Built-in trigger: heap % of memoryLimit right after the latest collection ({@link Holmes.Builder#gcHeapDump}). */
    public static final String GC_HEAP = "gc-heap";
    /** Built-in trigger: % of wall time spent in GC pauses since the previous reading ({@link Holmes.Builder#gcTimeDump}). */
    public static final String GC_TIME = "gc-time";
    /** Built-in trigger: resident memory % of rssLimit ({@link Holmes.Builder#rssDump}). */
    public static final String RSS = "rss";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");

    private final String name;
    private final Probe probe;
    private final Rule rule;
    private final Set<DumpType> captures;

    private Trigger(String name, Probe probe, Rule rule, Set<DumpType> captures) {
        this.name = name;
        this.probe = probe;
        this.rule = rule;
        this.captures = Collections.unmodifiableSet(EnumSet.copyOf(captures));
    }

    /**
     * Starts a trigger named {@code name} that reads {@code probe}. Neither is checked here: {@link Builder#build()}
     * reports a bad name or a null probe with the other problems.
     *
     * @param name  the trigger's name, matching {@code [a-z0-9][a-z0-9_.-]*}; it names the trigger's events
     *              ({@link DumpEvent#trigger()}) and must not be one of the built-in names
     * @param probe the reading to watch
     * @return a builder on which {@link Builder#rule} and {@link Builder#captures} must still be called
     */
    public static Builder builder(String name, Probe probe) {
        return new Builder(name, probe);
    }

    /** A trigger Holmes makes itself: a built-in one, or a configured one with the rule in force; its rule is checked. */
    static Trigger of(String name, Probe probe, Rule rule, Set<DumpType> captures) {
        return new Trigger(name, probe, rule, captures);
    }

    /** {@return the trigger's name, as given to {@link #builder(String, Probe)} or one of the built-in names} */
    public String name() {
        return name;
    }

    /** {@return the reading this trigger watches} */
    public Probe probe() {
        return probe;
    }

    /**
     * {@return the thresholds and cooldown this trigger starts with} Run-time changes go through
     * {@link Holmes#setRule(String, Rule)} and show in {@link Holmes#rule(String)}, not here.
     */
    public Rule rule() {
        return rule;
    }

    /**
     * {@return what is captured when the rule fires: one event per type, all named after this trigger} The set is
     * unmodifiable and never empty.
     */
    public Set<DumpType> captures() {
        return captures;
    }

    /**
     * Whether {@code name} is a valid trigger name: lower-case letters, digits, {@code _}, {@code .} and {@code -},
     * starting with a letter or a digit. Built-in names are valid here, though a user trigger may not take one.
     *
     * @param name the name to check; {@code null} is not valid
     * @return true when the name matches {@code [a-z0-9][a-z0-9_.-]*}
     */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    @Override
    public String toString() {
        return "Trigger{" + name + ", min=" + rule.min() + ", diff=" + rule.diff() + ", abs=" + rule.abs()
                + (rule.max() != 0 ? ", max=" + rule.max() : "") + ", cooldown=" + rule.cooldown()
                + ", captures=" + captures + '}';
    }

    /** Configures a {@link Trigger}; {@link #build()} checks every value and reports all problems together. */
    public static final class Builder {
        private final String name;
        private final Probe probe;
        private boolean ruleSet;
        private int min;
        private int diff;
        private int abs;
        private int max;
        private Duration cooldown;
        private final List<DumpType> captures = new ArrayList<>();
        private boolean nullCapture;

        private Builder(String name, Probe probe) {
            this.name = name;
            this.probe = probe;
        }

        /**
         * The thresholds, as for every rule (see {@link Rule}). Required. Readings are whatever the probe returns,
         * so these are in the probe's unit.
         *
         * @param min      readings below this never capture; zero or more
         * @param diff     percent above the average of the previous readings at which a reading captures, 0 to
         *                 {@link Rule#MAX_PERCENT}
         * @param abs      readings above this always capture; not below {@code min}
         * @param cooldown how long the trigger rests after a capture; not {@code null}, not negative
         * @return this builder
         */
        public Builder rule(int min, int diff, int abs, Duration cooldown) {
            this.ruleSet = true;
            this.min = min;
            this.diff = diff;
            this.abs = abs;
            this.cooldown = cooldown;
            return this;
        }

        /**
         * Readings at or above this never capture; 0 (default) turns the ceiling off.
         *
         * @param max a ceiling above the rule's {@code min}, or 0
         * @return this builder
         */
        public Builder max(int max) {
            this.max = max;
            return this;
        }

        /**
         * What to capture when the rule fires; at least one type. Replaces earlier calls. Several types are captured
         * together, one event each.
         *
         * @param types one or more types; a {@code null} element is reported by {@link #build()}
         * @return this builder
         * @throws NullPointerException when the array itself is {@code null}
         */
        public Builder captures(DumpType... types) {
            captures.clear();
            nullCapture = false;
            for (DumpType type : Objects.requireNonNull(types, "types")) {
                if (type == null) {
                    nullCapture = true;
                } else {
                    captures.add(type);
                }
            }
            return this;
        }

        /**
         * Every problem with this trigger, each on {@code trigger(<name>).<field>} ({@code trigger.name} for the name)
         * with the bad value; empty when {@link #build()} would succeed.
         *
         * @return a new list of every problem found
         */
        public List<Problem> problems() {
            String option = "trigger(" + name + ")";
            List<Problem> problems = new ArrayList<>();
            if (!isValidName(name)) {
                problems.add(new Problem("trigger.name", name, "must match [a-z0-9][a-z0-9_.-]*, but was "
                        + (name == null ? "null" : "'" + name + "'")));
            }
            if (probe == null) {
                problems.add(new Problem(option + ".probe", null, "must not be null"));
            }
            if (!ruleSet) {
                problems.add(new Problem(option + ".rule", null, "must be set: rule(min, diff, abs, cooldown)"));
            } else {
                problems.addAll(Rule.check(option, min, diff, abs, max, true, Integer.MAX_VALUE, cooldown));
            }
            if (nullCapture) {
                problems.add(new Problem(option + ".captures", null, "must not contain null"));
            } else if (captures.isEmpty()) {
                problems.add(new Problem(option + ".captures", List.of(), "must name at least one of "
                        + Arrays.toString(DumpType.values())));
            }
            return problems;
        }

        /**
         * Checks the trigger and builds it. The builder may be used again afterwards.
         *
         * @return a new immutable trigger
         * @throws IllegalArgumentException naming every bad value, as {@link #problems()} lists them
         */
        public Trigger build() {
            List<Problem> problems = problems();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid Holmes trigger: " + Problem.messages(problems));
            }
            return new Trigger(name, probe, Rule.of(min, diff, abs, max, cooldown), EnumSet.copyOf(captures));
        }
    }
}
