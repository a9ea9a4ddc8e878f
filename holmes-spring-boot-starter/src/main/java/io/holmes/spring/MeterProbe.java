package io.holmes.spring;

import io.holmes.Probe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A {@link Probe} on the application's Micrometer meters named {@code meter} with {@code tags}, read each tick. When
 * several meters match (http.server.requests for one uri is split by method, status and outcome), counts and
 * totals add up, max is the largest, and a percentile is the largest of the meters' (an upper bound). No matching
 * meter is a skipped reading. Times are in milliseconds; a count-rate is per second since the previous reading.
 */
final class MeterProbe implements Probe {

    private final MeterRegistry registry;
    private final String meter;
    private final Tags tags;
    private final MeterStatistic statistic;
    private final LongSupplier nanoTime;
    private double lastCount = Double.NaN;
    private long lastNanos;

    MeterProbe(MeterRegistry registry, String meter, Tags tags, MeterStatistic statistic, LongSupplier nanoTime) {
        this.registry = registry;
        this.meter = meter;
        this.tags = tags;
        this.statistic = statistic;
        this.nanoTime = nanoTime;
    }

    @Override
    public long read() {
        Collection<Meter> meters = registry.find(meter).tags(tags).meters();
        if (meters.isEmpty()) {
            return -1;
        }
        double value = switch (statistic.kind()) {
            case VALUE -> sum(meters, MeterProbe::value);
            case COUNT_RATE -> rate(sum(meters, MeterProbe::count));
            case MEAN -> mean(meters);
            case MAX -> max(meters);
            case PERCENTILE -> percentile(meters, statistic.percentile());
        };
        return Double.isNaN(value) || value < 0 ? -1 : Math.round(Math.min(value, Long.MAX_VALUE));
    }

    private interface Reading {
        double of(Meter meter);
    }

    private static double sum(Collection<Meter> meters, Reading reading) {
        double sum = 0;
        for (Meter m : meters) {
            double v = reading.of(m);
            if (!Double.isNaN(v)) {
                sum += v;
            }
        }
        return sum;
    }

    private static double value(Meter m) {
        if (m instanceof TimeGauge g) {
            return g.value(TimeUnit.MILLISECONDS);
        }
        if (m instanceof Gauge g) {
            return g.value();
        }
        if (m instanceof Counter c) {
            return c.count();
        }
        if (m instanceof FunctionCounter c) {
            return c.count();
        }
        for (Measurement measurement : m.measure()) {
            return measurement.getValue();
        }
        return Double.NaN;
    }

    private static double count(Meter m) {
        if (m instanceof Counter c) {
            return c.count();
        }
        if (m instanceof FunctionCounter c) {
            return c.count();
        }
        if (m instanceof Timer t) {
            return t.count();
        }
        if (m instanceof DistributionSummary s) {
            return s.count();
        }
        if (m instanceof FunctionTimer t) {
            return t.count();
        }
        return Double.NaN;
    }

    private double rate(double count) {
        long now = nanoTime.getAsLong();
        double previous = lastCount;
        long previousNanos = lastNanos;
        lastCount = count;
        lastNanos = now;
        if (Double.isNaN(previous) || now <= previousNanos || count < previous) {
            return Double.NaN; // the first reading, or the meter was replaced
        }
        return (count - previous) * 1e9 / (now - previousNanos);
    }

    private static double mean(Collection<Meter> meters) {
        double total = 0;
        double count = 0;
        for (Meter m : meters) {
            if (m instanceof Timer t) {
                total += t.totalTime(TimeUnit.MILLISECONDS);
                count += t.count();
            } else if (m instanceof FunctionTimer t) {
                total += t.totalTime(TimeUnit.MILLISECONDS);
                count += t.count();
            } else if (m instanceof DistributionSummary s) {
                total += s.totalAmount();
                count += s.count();
            } else if (m instanceof LongTaskTimer t) {
                total += t.duration(TimeUnit.MILLISECONDS);
                count += t.activeTasks();
            }
        }
        return count == 0 ? Double.NaN : total / count;
    }

    private static double max(Collection<Meter> meters) {
        double max = Double.NaN;
        for (Meter m : meters) {
            double v = Double.NaN;
            if (m instanceof Timer t) {
                v = t.max(TimeUnit.MILLISECONDS);
            } else if (m instanceof DistributionSummary s) {
                v = s.max();
            } else if (m instanceof LongTaskTimer t) {
                v = t.max(TimeUnit.MILLISECONDS);
            }
            if (!Double.isNaN(v) && (Double.isNaN(max) || v > max)) {
                max = v;
            }
        }
        return max;
    }

    private double percentile(Collection<Meter> meters, double percentile) {
        double max = Double.NaN;
        boolean published = false;
        for (Meter m : meters) {
            HistogramSnapshot snapshot;
            boolean time;
            if (m instanceof Timer t) {
                snapshot = t.takeSnapshot();
                time = true;
            } else if (m instanceof DistributionSummary s) {
                snapshot = s.takeSnapshot();
                time = false;
            } else {
                continue;
            }
            for (ValueAtPercentile p : snapshot.percentileValues()) {
                if (Math.abs(p.percentile() - percentile) < 1e-9) {
                    published = true;
                    double v = time ? p.value(TimeUnit.MILLISECONDS) : p.value();
                    if (Double.isNaN(max) || v > max) {
                        max = v;
                    }
                }
            }
        }
        if (!published) {
            throw new IllegalStateException("meter " + meter + " publishes no " + percentile + " percentile; publish it,"
                    + " for example with management.metrics.distribution.percentiles." + meter + "=" + percentile);
        }
        return max;
    }
}
