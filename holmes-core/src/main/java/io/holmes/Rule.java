package io.holmes;

import io.holmes.internal.collect.BuiltInTriggers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The thresholds of one trigger, in the vocabulary of mosn/holmes. For each reading {@code cur}, with
 * {@code avg} the integer mean of the previous (at most 10) readings of that metric, Holmes captures when
 * the window is full, {@code cur >= min}, {@code max} is off or {@code cur < max}, and either
 * {@code cur > abs} (reason {@link Reason#ABS}) or {@code cur >= avg * (100 + diff) / 100} (reason
 * {@link Reason#DIFF}). After a capture the rule rests for {@code cooldown}.
 *
 * @param type     the metric of the original rules ({@code cpu}, {@code mem}, {@code thread}); {@code null} for the
 *                 rule of any other {@link Trigger}, whose readings are counts up to {@link Integer#MAX_VALUE}
 * @param min      readings below this never capture
 * @param diff     how many percent above the average a reading must be to capture
 * @param abs      readings above this always capture (subject to min, max and cooldown)
 * @param max      readings at or above this never capture, because a dump that large is itself a hazard;
 *                 0 turns the ceiling off. Thread rules and other triggers' rules may have one; CPU and heap
 *                 rules use 0
 * @param cooldown how long the rule rests after it captured
 */
public record Rule(DumpType type, int min, int diff, int abs, int max, Duration cooldown) {

    /** Upper bound for CPU and heap percentages; CPU % may pass 100 when cpuCores is set below the real count. */
    public static final int MAX_PERCENT = 10_000;

    /**
     * Validates like {@link Holmes.Builder#build()}. Percent rules ({@code cpu}, {@code mem}) take {@code min} and
     * {@code abs} from 0 to {@link #MAX_PERCENT}; thread rules and rules of other triggers take them from 0 to
     * {@link Integer#MAX_VALUE}. In every rule {@code diff} runs from 0 to {@link #MAX_PERCENT} and {@code min} may not
     * be above {@code abs}.
     *
     * @param type     the metric of an original rule, or {@code null} for the rule of any other trigger
     * @param min      readings below this never capture
     * @param diff     percent above the average at which a reading captures
     * @param abs      readings above this always capture; not below {@code min}
     * @param max      readings at or above this never capture; 0, or above {@code min} for a thread rule or a rule
     *                 with no type; always 0 for {@code cpu} and {@code mem}
     * @param cooldown how long the rule rests after a capture; not {@code null}, not negative
     * @throws IllegalArgumentException naming every bad value at once
     */
    public Rule {
        List<Problem> problems = check(optionName(type), type, min, diff, abs, max, cooldown);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid Holmes rule: " + Problem.messages(problems));
        }
    }

    private static final Rule DEFAULT_CPU = cpu(30, 50, 80, Duration.ofMinutes(2));
    private static final Rule DEFAULT_MEM = mem(50, 30, 85, Duration.ofMinutes(2));
    /**
     * The default thread ceiling: on a shared 2-core machine the cheaper dump Holmes takes above 1,000 threads
     * stopped the application for 135 ms at 2,000 threads and 217 ms at 4,000 under load (116 ms at 5,000 when the
     * machine was quieter), so 3,000 keeps a capture near or under 200 ms (benchmarks/README.md, "Thread-dump
     * pause").
     */
    static final int DEFAULT_THREAD_MAX = 3_000;

    private static final Rule DEFAULT_THREAD = thread(200, 50, 2000, DEFAULT_THREAD_MAX, Duration.ofMinutes(2));

    /**
     * The rule Holmes uses for {@code type} when none was configured: what {@link Holmes#enable(DumpType)} turns on,
     * and what integrations fill unset thresholds from. CPU 30/50/80 %, heap 50/30/85 %, threads 200/50 %/2000 with
     * a ceiling of 3000 (above it a thread dump would stop the application for more than about 200 ms); cooldown
     * 2 minutes.
     *
     * @param type the metric; not {@code null}
     * @return the default rule of that type, the same instance on every call
     */
    public static Rule defaults(DumpType type) {
        switch (Objects.requireNonNull(type, "type")) {
            case CPU:
                return DEFAULT_CPU;
            case MEM:
                return DEFAULT_MEM;
            default:
                return DEFAULT_THREAD;
        }
    }

    /**
     * The default rule of the built-in trigger named {@code trigger}: for {@code cpu}, {@code mem} and {@code thread}
     * as {@link #defaults(DumpType)}; {@code gc-heap} 50/20/80 %, {@code gc-time} 10/100/50 %, {@code rss}
     * 60/20/85 %, each with a 5 minute cooldown. These are what integrations fill unset thresholds from; the builder
     * turns none of the newer built-ins on by itself.
     *
     * @param trigger one of {@link Trigger#CPU}, {@link Trigger#MEM}, {@link Trigger#THREAD}, {@link Trigger#GC_HEAP},
     *                {@link Trigger#GC_TIME}, {@link Trigger#RSS}; not {@code null}
     * @return the default rule of that trigger; its type is {@code null} for the newer built-ins
     * @throws IllegalArgumentException for a name that is not a built-in trigger
     */
    public static Rule defaults(String trigger) {
        return switch (Objects.requireNonNull(trigger, "trigger")) {
            case Trigger.CPU -> DEFAULT_CPU;
            case Trigger.MEM -> DEFAULT_MEM;
            case Trigger.THREAD -> DEFAULT_THREAD;
            default -> BuiltInTriggers.find(trigger).orElseThrow(() -> new IllegalArgumentException(
                    "no built-in trigger is named '" + trigger + "'")).defaultRule();
        };
    }

    /**
     * A CPU rule: readings are process CPU in percent of cpuCores, so they may pass 100 when cpuCores is set below
     * the real count.
     *
     * @param min      CPU % below which a reading never captures, 0 to {@link #MAX_PERCENT}
     * @param diff     percent above the average at which a reading captures, 0 to {@link #MAX_PERCENT}
     * @param abs      CPU % above which a reading always captures, 0 to {@link #MAX_PERCENT}, not below {@code min}
     * @param cooldown how long the rule rests after a capture; not negative
     * @return the rule, with no ceiling
     * @throws IllegalArgumentException naming every bad value
     */
    public static Rule cpu(int min, int diff, int abs, Duration cooldown) {
        return new Rule(DumpType.CPU, min, diff, abs, 0, cooldown);
    }

    /**
     * A heap rule: readings are heap in use, in percent of memoryLimit.
     *
     * @param min      heap % below which a reading never captures, 0 to {@link #MAX_PERCENT}
     * @param diff     percent above the average at which a reading captures, 0 to {@link #MAX_PERCENT}
     * @param abs      heap % above which a reading always captures, 0 to {@link #MAX_PERCENT}, not below {@code min}
     * @param cooldown how long the rule rests after a capture; not negative
     * @return the rule, with no ceiling
     * @throws IllegalArgumentException naming every bad value
     */
    public static Rule mem(int min, int diff, int abs, Duration cooldown) {
        return new Rule(DumpType.MEM, min, diff, abs, 0, cooldown);
    }

    /**
     * The rule of a {@link Trigger} other than the original three ({@link #type()} is {@code null}): readings from 0
     * to {@link Integer#MAX_VALUE}, with an optional ceiling {@code max} (0 = off).
     *
     * @param min      readings below this never capture; zero or more
     * @param diff     percent above the average at which a reading captures, 0 to {@link #MAX_PERCENT}
     * @param abs      readings above this always capture; not below {@code min}
     * @param max      readings at or above this never capture; above {@code min}, or 0 for no ceiling
     * @param cooldown how long the rule rests after a capture; not negative
     * @return the rule, without a type
     * @throws IllegalArgumentException naming every bad value
     */
    public static Rule of(int min, int diff, int abs, int max, Duration cooldown) {
        return new Rule(null, min, diff, abs, max, cooldown);
    }

    /**
     * A thread rule: readings are live thread counts.
     *
     * @param min      thread count below which a reading never captures; zero or more
     * @param diff     percent above the average at which a reading captures, 0 to {@link #MAX_PERCENT}
     * @param abs      thread count above which a reading always captures; not below {@code min}
     * @param max      thread count at or above which a reading never captures, because the dump would pause the
     *                 application too long; above {@code min}, or 0 for no ceiling
     * @param cooldown how long the rule rests after a capture; not negative
     * @return the rule
     * @throws IllegalArgumentException naming every bad value
     */
    public static Rule thread(int min, int diff, int abs, int max, Duration cooldown) {
        return new Rule(DumpType.THREAD, min, diff, abs, max, cooldown);
    }

    /**
     * The builder option that sets the rule of {@code type}, under which {@link Problem}s with such a rule are
     * reported: {@code cpuDump}, {@code memDump}, {@code threadDump}; {@code trigger.rule} for {@code null}.
     *
     * @param type the rule's type, or {@code null}
     * @return the option name, the prefix of each such {@link Problem#option()}
     */
    public static String optionName(DumpType type) {
        if (type == null) {
            return "trigger.rule";
        }
        switch (type) {
            case CPU:
                return "cpuDump";
            case MEM:
                return "memDump";
            default:
                return "threadDump";
        }
    }

    /** Every violation of the rule's ranges, each on {@code option.field} with the bad value. */
    static List<Problem> check(String option, DumpType type, int min, int diff, int abs, int max, Duration cooldown) {
        int ceiling = type == DumpType.CPU || type == DumpType.MEM ? MAX_PERCENT : Integer.MAX_VALUE;
        return check(option, min, diff, abs, max, type == null || type == DumpType.THREAD, ceiling, cooldown);
    }

    /**
     * Every violation of a rule whose readings run from 0 to {@code ceiling}, each on {@code option.field} with the
     * bad value; {@code maxAllowed} says whether the rule may have a ceiling {@code max}.
     */
    static List<Problem> check(String option, int min, int diff, int abs, int max, boolean maxAllowed, int ceiling,
                               Duration cooldown) {
        List<Problem> problems = new ArrayList<>();
        between(problems, option + ".min", min, 0, ceiling);
        between(problems, option + ".diff", diff, 0, MAX_PERCENT);
        between(problems, option + ".abs", abs, 0, ceiling);
        if (min >= 0 && abs >= 0 && min > abs) {
            problems.add(new Problem(option + ".min", min, "must not be above abs (" + abs + "), but was " + min));
        }
        if (!maxAllowed && max != 0) {
            problems.add(new Problem(option + ".max", max, "is only for thread rules and must be 0, but was " + max));
        } else if (max < 0) {
            problems.add(new Problem(option + ".max", max, "must be 0 (off) or positive, but was " + max));
        } else if (max > 0 && max <= min) {
            problems.add(new Problem(option + ".max", max, "must be 0 (off) or above min (" + min + "), but was " + max));
        }
        if (cooldown == null) {
            problems.add(new Problem(option + ".cooldown", null, "must not be null"));
        } else if (cooldown.isNegative()) {
            problems.add(new Problem(option + ".cooldown", cooldown, "must not be negative, but was " + cooldown));
        }
        return problems;
    }

    private static void between(List<Problem> problems, String option, int value, int low, int high) {
        if (value < low || value > high) {
            problems.add(new Problem(option, value, "must be between " + low + " and " + high + ", but was " + value));
        }
    }

    /**
     * {@return the cooldown in nanoseconds, saturated at {@link Long#MAX_VALUE} so that very long cooldowns never
     * overflow}
     */
    public long cooldownNanos() {
        try {
            return cooldown.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
