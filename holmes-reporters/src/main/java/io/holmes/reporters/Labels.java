package io.holmes.reporters;

import io.holmes.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Pyroscope's series name, {@code app{key=value,...}}, and the server's rules for it, checked at {@code build()}
 * so that a name the server would refuse (or silently rewrite) never leaves the builder:
 * <ul>
 *   <li>the application name is a service name: runes {@code [A-Za-z0-9_./-]} ({@code api/model/labelset},
 *       {@code ValidateServiceName});</li>
 *   <li>a label key has runes {@code [A-Za-z0-9_.]} ({@code ValidateLabelName});</li>
 *   <li>keys the server sets itself are refused: {@code service_name}, {@code pyroscope_spy}, {@code jfr_event}
 *       and every {@code __*} key, plus Holmes' own {@link #TRIGGER}, {@link #REASON} and {@link #WINDOW};</li>
 *   <li>a value may not contain {@code { } , =} or white space, which the series-name parser splits on or
 *       trims.</li>
 * </ul>
 */
final class Labels {

    /** The label carrying the trigger type ({@code cpu}, {@code mem}, {@code thread}; {@code cpu+mem} when shared). */
    static final String TRIGGER = "holmes_trigger";

    /** The label carrying the reason ({@code abs}, {@code diff}, {@code manual}), joined by {@code +} likewise. */
    static final String REASON = "holmes_reason";

    /** Keys Holmes or the server sets; a user's label with one of these names would be refused or overwritten. */
    /**
     * The label of the look-back window's upload, {@code before}: the seconds before the trigger, as their own
     * time range. The forward capture's upload has no such label.
     */
    static final String WINDOW = "holmes_window";

    static final Set<String> RESERVED = Set.of(TRIGGER, REASON, WINDOW, "service_name", "pyroscope_spy", "jfr_event");

    private Labels() {
    }

    /** Everything wrong with {@code applicationName} and {@code labels}, one entry per problem. */
    static List<Problem> check(String applicationName, Map<String, String> labels) {
        List<Problem> problems = new ArrayList<>();
        if (applicationName == null || applicationName.isEmpty()) {
            problems.add(new Problem("applicationName", applicationName, "must not be empty"));
        } else if (!applicationName.chars().allMatch(Labels::isServiceNameRune)) {
            problems.add(new Problem("applicationName", applicationName, "may only contain letters, digits, '_', '.', '/'"
                    + " and '-' (Pyroscope refuses other service names), but was '" + applicationName + "'"));
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            String value = label.getValue();
            if (key == null || key.isEmpty() || !key.chars().allMatch(Labels::isLabelNameRune)) {
                problems.add(new Problem("label", key, "key may only contain letters, digits, '_' and '.' (Pyroscope"
                        + " refuses other label names), but was '" + key + "'"));
            } else if (RESERVED.contains(key) || key.startsWith("__")) {
                problems.add(new Problem("label", key, "key '" + key + "' is reserved: Holmes or the Pyroscope server sets it"));
            }
            if (value == null || value.isEmpty() || !isCleanValue(value)) {
                problems.add(new Problem("label", value, "'" + key + "' must have a non-empty value without '{', '}', ',',"
                        + " '=' or white space, but was '" + value + "'"));
            }
        }
        return problems;
    }

    /** {@code app{k1=v1,k2=v2}} with keys sorted; just {@code app} without labels. */
    static String seriesName(String applicationName, Map<String, String> labels) {
        SortedMap<String, String> sorted = new TreeMap<>(labels);
        if (sorted.isEmpty()) {
            return applicationName;
        }
        StringBuilder name = new StringBuilder(applicationName).append('{');
        boolean first = true;
        for (Map.Entry<String, String> label : sorted.entrySet()) {
            if (!first) {
                name.append(',');
            }
            name.append(label.getKey()).append('=').append(label.getValue());
            first = false;
        }
        return name.append('}').toString();
    }

    static boolean isLabelNameRune(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    }

    static boolean isServiceNameRune(int c) {
        return c == '-' || c == '.' || c == '/' || isLabelNameRune(c);
    }

    private static boolean isCleanValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '}' || c == ',' || c == '=' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }
}
