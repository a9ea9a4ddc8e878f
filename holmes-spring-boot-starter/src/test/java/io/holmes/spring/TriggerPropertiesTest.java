package io.holmes.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.ProfileReporter;
import io.holmes.Rule;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** holmes.gc-heap/gc-time/rss/rss-limit and holmes.triggers.* reach Holmes; a meter trigger fires from a real timer. */
class TriggerPropertiesTest extends StarterContextTest {

    @Test
    void builtInTriggerProperties_bindWithDefaultsForUnsetThresholds() {
        runner().withPropertyValues("holmes.gc-heap.min=40", "holmes.gc-time.enabled=true",
                        "holmes.rss.abs=90", "holmes.rss.enabled=false", "holmes.rss-limit=1GB")
                .run(context -> {
                    Holmes holmes = context.getBean(Holmes.class);
                    assertThat(holmes.triggers()).containsExactly("cpu", "mem", "thread", "gc-heap", "gc-time");
                    Rule gcHeap = Rule.defaults("gc-heap");
                    assertThat(holmes.rule("gc-heap")).isEqualTo(
                            Rule.of(40, gcHeap.diff(), gcHeap.abs(), 0, gcHeap.cooldown()));
                    assertThat(holmes.rule("gc-time")).isEqualTo(Rule.defaults("gc-time"));
                    assertThat(holmes.rssLimit()).isEqualTo(1L << 30);
                });
        runner().withPropertyValues("holmes.rss.enabled=true").run(context ->
                assertThat(context.getBean(Holmes.class).triggers()).containsExactly("cpu", "mem", "thread", "rss"));
    }

    @Test
    void badTriggerValuesFailStartUp_namingEachProperty() {
        runner().withPropertyValues("holmes.gc-heap.abs=20000", "holmes.rss-limit=0B",
                        "holmes.triggers.checkout.meter=http.server.requests", "holmes.triggers.checkout.statistic=p",
                        "holmes.triggers.checkout.min=10", "holmes.triggers.checkout.abs=5",
                        "holmes.triggers.slow.meter=", "holmes.triggers.Bad.meter=x", "holmes.triggers.Bad.min=1",
                        "holmes.triggers.Bad.abs=2")
                .run(context -> {
                    assertThat(context).hasFailed();
                    String message = messages(context.getStartupFailure());
                    assertThat(message).contains("holmes.gc-heap.abs must be between 0 and 10000, but was 20000")
                            .contains("holmes.rss-limit must be a positive number of bytes, but was 0")
                            .contains("holmes.triggers.checkout.statistic must be value, count-rate, mean, max or a"
                                    + " percentile such as p99, but was p")
                            .contains("holmes.triggers.checkout.min must not be above abs (5), but was 10")
                            .contains("holmes.triggers.slow.meter must name a meter")
                            .contains("holmes.triggers.slow.min must be set")
                            .contains("holmes.triggers.slow.abs must be set")
                            .contains("holmes.triggers.Bad: the name must match [a-z0-9][a-z0-9_.-]*, but was 'Bad'");
                });
    }

    @Test
    void aMeterTriggerFiresWhenTheTimersP99Doubles_withCpuAndThreadCapturesNamedAfterIt() {
        List<DumpEvent> events = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runner().withBean(MeterRegistry.class, () -> registry)
                .withBean("recording", ProfileReporter.class, () -> events::add)
                .withPropertyValues("holmes.collect-interval=20ms", "holmes.sampling-time=200ms",
                        "holmes.cpu.enabled=false", "holmes.mem.enabled=false", "holmes.thread.enabled=false",
                        "holmes.triggers.checkout-p99.meter=checkout.latency",
                        "holmes.triggers.checkout-p99.tags.uri=/checkout",
                        "holmes.triggers.checkout-p99.statistic=p99",
                        "holmes.triggers.checkout-p99.min=50", "holmes.triggers.checkout-p99.abs=100000",
                        "holmes.triggers.checkout-p99.cooldown=1h",
                        "holmes.triggers.checkout-p99.captures=cpu,thread")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Holmes holmes = context.getBean(Holmes.class);
                    assertThat(holmes.rule("checkout-p99")).isEqualTo(Rule.of(50, 100, 100_000, 0, Duration.ofHours(1)));
                    // Holmes' own meters: a registry bound before Holmes exists gets the gauges of the triggers
                    // beyond cpu, mem and thread once every singleton is there.
                    SimpleMeterRegistry holmesMeters = new SimpleMeterRegistry();
                    HolmesMetrics metrics = new HolmesMetrics(context.getBeanProvider(Holmes.class), context, false);
                    metrics.bindTo(holmesMeters);
                    assertThat(holmesMeters.find("holmes.reading").tags("trigger", "checkout-p99").gauge()).isNull();
                    assertThat(holmesMeters.find("holmes.reading").tags("trigger", "thread").gauge()).isNotNull();
                    metrics.afterSingletonsInstantiated();
                    Gauge p99Reading = holmesMeters.get("holmes.reading").tags("trigger", "checkout-p99").gauge();
                    // The meter does not exist yet: the readings are skipped, not errors.
                    long ticks = holmes.ticks();
                    await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.ticks() >= ticks + 5);
                    assertThat(holmes.state("checkout-p99").window()).isEmpty();

                    Timer checkout = Timer.builder("checkout.latency").tag("uri", "/checkout").tag("status", "200")
                            .publishPercentiles(0.99).register(registry);
                    Timer other = Timer.builder("checkout.latency").tag("uri", "/health").publishPercentiles(0.99)
                            .register(registry);
                    for (int i = 0; i < 100; i++) {
                        checkout.record(Duration.ofMillis(40));
                        other.record(Duration.ofSeconds(5)); // another uri: must not count
                    }
                    await().atMost(30, TimeUnit.SECONDS)
                            .until(() -> holmes.state("checkout-p99").window().size() == 10);
                    assertThat(holmes.state("checkout-p99").window()).allMatch(ms -> ms >= 36 && ms <= 44);
                    assertThat(events).isEmpty();

                    for (int i = 0; i < 100; i++) {
                        checkout.record(Duration.ofMillis(400));
                    }
                    await().atMost(60, TimeUnit.SECONDS).until(() -> events.size() == 2);
                    assertThat(events).extracting(DumpEvent::type)
                            .containsExactlyInAnyOrder(DumpType.CPU, DumpType.THREAD);
                    assertThat(p99Reading.value()).isBetween(360.0, 440.0);
                    for (DumpEvent event : events) {
                        metrics.report(event);
                        assertThat(holmesMeters.get("holmes.triggers").tags("type", event.type().fileTag(),
                                "trigger", "checkout-p99", "reason", "diff").counter().count()).isEqualTo(1.0);
                        assertThat(event.trigger()).isEqualTo("checkout-p99");
                        assertThat(event.current()).isBetween(360, 440);
                        assertThat(event.average()).isBetween(36, 44);
                        Path json = event.files().get(event.files().size() - 1);
                        assertThat(Files.readString(json)).contains("\"trigger\":\"checkout-p99\"");
                    }
                });
    }
}
