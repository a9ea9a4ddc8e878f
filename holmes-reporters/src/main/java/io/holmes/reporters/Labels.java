package io.holmes.reporters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Pyroscope's series name, {@code app{key=value,...}}, and the rules that keep it parseable: the server splits
 * on {@code { } , =}, so none of them (nor white space) may appear in a name, a key or a value.
 */
final class Labels {

    /** The label carrying the trigger type ({@code cpu}, {@code mem}, {@code thread}). */
    static final String TRIGGER = "holmes_trigger";

    /** The label carrying the reason ({@code abs}, {@code diff}, {@code manual}). */
    static final String REASON = "holmes_reason";

    private static final Set<String> RESERVED = Set.of(TRIGGER, REASON);

    private Labels() {
    }

    /** Everything wrong with {@code applicationName} and {@code labels}, one entry per problem. */
    static List<String> check(String applicationName, Map<String, String> labels) {
        List<String> problems = new ArrayList<>();
        if (applicationName == null || applicationName.isEmpty()) {
            problems.add("applicationName must not be empty");
        } else if (!isClean(applicationName)) {
            problems.add("applicationName must not contain '{', '}', ',', '=' or white space, but was '"
                    + applicationName + "'");
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            String value = label.getValue();
            if (key == null || key.isEmpty() || !isClean(key)) {
                problems.add("label key must be non-empty without '{', '}', ',', '=' or white space, but was '"
                        + key + "'");
            } else if (RESERVED.contains(key)) {
                problems.add("label key '" + key + "' is set by Holmes itself");
            }
            if (value == null || value.isEmpty() || !isClean(value)) {
                problems.add("label '" + key + "' must have a non-empty value without '{', '}', ',', '=' or white"
                        + " space, but was '" + value + "'");
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

    private static boolean isClean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '}' || c == ',' || c == '=' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }
}
