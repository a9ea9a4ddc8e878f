package io.holmes.spring;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a meter trigger reads: {@code value}, {@code count-rate}, {@code mean}, {@code max}, or a published
 * percentile written {@code p} and its digits after the decimal point ({@code p50} = 0.5, {@code p99} = 0.99,
 * {@code p999} = 0.999).
 *
 * @param kind       which statistic
 * @param percentile for {@link Kind#PERCENTILE}, the percentile between 0 and 1; otherwise 0
 */
record MeterStatistic(Kind kind, double percentile) {

    enum Kind { VALUE, COUNT_RATE, MEAN, MAX, PERCENTILE }

    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,6})");

    /** The statistic written as {@code text}, or empty when it is none of them. */
    static Optional<MeterStatistic> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        switch (text) {
            case "value":
                return Optional.of(new MeterStatistic(Kind.VALUE, 0));
            case "count-rate":
                return Optional.of(new MeterStatistic(Kind.COUNT_RATE, 0));
            case "mean":
                return Optional.of(new MeterStatistic(Kind.MEAN, 0));
            case "max":
                return Optional.of(new MeterStatistic(Kind.MAX, 0));
            default:
                Matcher m = PERCENTILE.matcher(text);
                if (!m.matches()) {
                    return Optional.empty();
                }
                double p = Double.parseDouble("0." + m.group(1));
                return p > 0 ? Optional.of(new MeterStatistic(Kind.PERCENTILE, p)) : Optional.empty();
        }
    }
}
