package io.holmes;

import java.util.List;
import java.util.Objects;

/**
 * One thing wrong with a configuration, as {@link Holmes.Builder#problems()} and {@link Trigger.Builder#problems()}
 * report it, so that an integration can put it on its own setting without reading the message.
 *
 * <p>{@code option} names the builder option, a dot before a field of a grouped one: {@code collectInterval},
 * {@code cpuDump.min}, {@code dumpBudget.maxBytes}, {@code trigger(checkout-p99).abs}. {@code value} is the value
 * refused as the builder received it ({@code null} when it was null or when the problem is a missing value).
 * {@code reason} completes a sentence that starts with the option: {@code "must be between 0 and 10000, but was -1"};
 * where it names another option of the same group it uses that option's field name alone ({@code "must not be
 * above abs (80), but was 90"}).
 *
 * @param option the builder option the problem is about
 * @param value  the refused value, or {@code null}
 * @param reason why it is refused
 */
public record Problem(String option, Object value, String reason) {

    /**
     * A problem; {@code option} and {@code reason} are required.
     *
     * @param option the builder option the problem is about; not {@code null}
     * @param value  the refused value, or {@code null}
     * @param reason why it is refused, completing a sentence that starts with the option; not {@code null}
     */
    public Problem {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * {@return the field after the last dot of {@link #option()}: {@code min} for {@code cpuDump.min}, the option
     * itself when it has none}
     */
    public String field() {
        int dot = option.lastIndexOf('.');
        return dot < 0 ? option : option.substring(dot + 1);
    }

    /**
     * {@return the option and the reason as one sentence: {@code cpuDump.min must be between 0 and 10000, but was
     * -1}}
     */
    public String message() {
        return option + ' ' + reason;
    }

    @Override
    public String toString() {
        return message();
    }

    /**
     * Every problem's {@link #message()}, joined by {@code "; "}, as the builders put them in their exceptions.
     *
     * @param problems the problems, in the order to list them
     * @return the joined messages; empty for an empty list
     */
    public static String messages(List<Problem> problems) {
        StringBuilder s = new StringBuilder();
        for (Problem p : problems) {
            if (s.length() > 0) {
                s.append("; ");
            }
            s.append(p.message());
        }
        return s.toString();
    }
}
