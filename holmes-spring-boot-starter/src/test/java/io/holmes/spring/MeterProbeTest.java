package io.holmes.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each statistic read from a real Micrometer registry: units, aggregation across matching meters, missing meters. */
class MeterProbeTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private MeterProbe probe(String meter, Tags tags, String statistic) {
        return new MeterProbe(registry, meter, tags, MeterStatistic.parse(statistic).orElseThrow(), nanos::get);
    }

    @Test
    void statisticsParse() {
        assertThat(MeterStatistic.parse("p99")).contains(new MeterStatistic(MeterStatistic.Kind.PERCENTILE, 0.99));
        assertThat(MeterStatistic.parse("p999")).contains(new MeterStatistic(MeterStatistic.Kind.PERCENTILE, 0.999));
        assertThat(MeterStatistic.parse("p5")).contains(new MeterStatistic(MeterStatistic.Kind.PERCENTILE, 0.5));
        assertThat(MeterStatistic.parse("count-rate")).contains(new MeterStatistic(MeterStatistic.Kind.COUNT_RATE, 0));
        assertThat(MeterStatistic.parse("p0")).isEmpty();
        assertThat(MeterStatistic.parse("median")).isEmpty();
    }

    @Test
    void missingMeterIsASkippedReading() {
        assertThat(probe("nothing.here", Tags.empty(), "value").read()).isEqualTo(-1);
    }

    @Test
    void gaugeValue_andCounterRatePerSecond() {
        AtomicInteger queue = registry.gauge("queue.size", new AtomicInteger(17));
        assertThat(probe("queue.size", Tags.empty(), "value").read()).isEqualTo(17);
        queue.set(3);
        assertThat(probe("queue.size", Tags.empty(), "value").read()).isEqualTo(3);

        Counter ok = registry.counter("orders", "status", "ok");
        Counter failed = registry.counter("orders", "status", "failed");
        MeterProbe rate = probe("orders", Tags.empty(), "count-rate");
        assertThat(rate.read()).as("first reading: no rate yet").isEqualTo(-1);
        ok.increment(30);
        failed.increment(10);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(rate.read()).as("40 orders in 2 s, across both meters").isEqualTo(20);
        MeterProbe failures = probe("orders", Tags.of("status", "failed"), "count-rate");
        failures.read();
        failed.increment(5);
        nanos.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(failures.read()).isEqualTo(10);
    }

    @Test
    void timerMeanMaxAndPercentileInMilliseconds() {
        Timer a = Timer.builder("http").tag("uri", "/a").tag("status", "200").publishPercentiles(0.99)
                .register(registry);
        Timer b = Timer.builder("http").tag("uri", "/a").tag("status", "500").publishPercentiles(0.99)
                .register(registry);
        a.record(Duration.ofMillis(100));
        a.record(Duration.ofMillis(300));
        b.record(Duration.ofMillis(800));
        Tags uri = Tags.of("uri", "/a");
        assertThat(probe("http", uri, "mean").read()).isEqualTo(400);
        assertThat(probe("http", uri, "max").read()).isEqualTo(800);
        assertThat(probe("http", uri, "p99").read()).isBetween(700L, 900L);
        assertThat(probe("http", Tags.of("status", "200"), "p99").read()).isBetween(270L, 330L);
        assertThatThrownBy(() -> probe("http", uri, "p95").read())
                .hasMessageContaining("publishes no 0.95 percentile");
    }

    @Test
    void distributionSummaryInItsOwnUnit() {
        DistributionSummary sizes = DistributionSummary.builder("payload").publishPercentiles(0.5).register(registry);
        sizes.record(1000);
        sizes.record(3000);
        assertThat(probe("payload", Tags.empty(), "mean").read()).isEqualTo(2000);
        assertThat(probe("payload", Tags.empty(), "max").read()).isEqualTo(3000);
    }
}
