package io.holmes.spring;

import io.holmes.CountingReporter;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.ProfileReporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Meters about Holmes itself: {@code holmes.reading} (gauge per trigger: {@code cpu}, {@code mem} and {@code thread}
 * from the start, the other triggers once Holmes exists), {@code holmes.ticks}, {@code holmes.triggers} (captures by
 * type, trigger and reason), {@code holmes.capture.duration} (by type), {@code holmes.reports}
 * (by reporter and outcome: {@code delivered} when the server answered 2xx, {@code failed}, {@code retried},
 * {@code dropped}), {@code holmes.reports.dropped} (Holmes' own reporter queue) and {@code holmes.dump.bytes}. It
 * is also a reporter, which is how it sees the events; as an observer it delivers nothing and adds nothing to Holmes'
 * delivered reports.
 */
public class HolmesMetrics implements MeterBinder, EventObserver, SmartInitializingSingleton {

    private final ObjectProvider<Holmes> holmes;
    private final ListableBeanFactory beans;
    private final boolean uploadersPresent;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** The triggers beyond the original three, known once Holmes exists. */
    private volatile List<String> moreTriggers = List.of();

    /**
     * @param holmes           resolved when a meter is read, so that the meters may be bound before Holmes exists
     * @param beans            where the reporter beans with upload counters are looked up when meters are bound
     * @param uploadersPresent whether holmes-reporters and OkHttp are on the class path
     */
    public HolmesMetrics(ObjectProvider<Holmes> holmes, ListableBeanFactory beans, boolean uploadersPresent) {
        this.holmes = holmes;
        this.beans = beans;
        this.uploadersPresent = uploadersPresent;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        for (DumpType type : DumpType.values()) {
            bindReading(registry, type.fileTag());
        }
        for (String trigger : moreTriggers) {
            bindReading(registry, trigger);
        }
        FunctionCounter.builder("holmes.ticks", holmes, h -> value(h, Holmes::ticks))
                .description("Collect ticks taken").register(registry);
        FunctionCounter.builder("holmes.reports.dropped", holmes, h -> value(h, Holmes::droppedReports))
                .description("Events dropped before a final attempt: Holmes' reporter queue or a reporter's own was full,"
                        + " closing, or the event was too old for its server").register(registry);
        Gauge.builder("holmes.dump.bytes", holmes, h -> value(h, Holmes::bytesOnDisk))
                .baseUnit("bytes").description("Bytes of captures in the dump directory").register(registry);
        if (uploadersPresent) {
            for (Map.Entry<String, ProfileReporter> reporter : beans.getBeansOfType(ProfileReporter.class).entrySet()) {
                bindUploader(registry, reporter.getKey(), reporter.getValue());
            }
        }
    }

    /**
     * Once every singleton exists, Holmes does too: its triggers beyond {@code cpu}, {@code mem} and {@code thread}
     * (gc-heap, gc-time, rss, meter and user triggers) get their reading gauges. Resolving Holmes earlier, while the
     * registry is being set up, could create it before its own meter triggers' registry is ready.
     */
    @Override
    public void afterSingletonsInstantiated() {
        Holmes h = holmes.getIfAvailable();
        if (h == null) {
            return;
        }
        List<String> more = h.triggers().subList(DumpType.values().length, h.triggers().size());
        moreTriggers = List.copyOf(more);
        for (MeterRegistry registry : registries) {
            for (String trigger : more) {
                bindReading(registry, trigger);
            }
        }
    }

    private void bindReading(MeterRegistry registry, String trigger) {
        Gauge.builder("holmes.reading", holmes, h -> reading(h, trigger))
                .tag("trigger", trigger)
                .description("Holmes' latest reading of a trigger: CPU %, heap %, live threads, or the trigger's own")
                .register(registry);
    }

    private static void bindUploader(MeterRegistry registry, String name, Object reporter) {
        // The same counters Holmes adds up for the endpoint's "reports": delivered means the server answered 2xx.
        if (!(reporter instanceof EventObserver) && reporter instanceof CountingReporter uploads) {
            uploads(registry, name, "delivered", uploads, CountingReporter::deliveredUploads);
            uploads(registry, name, "failed", uploads, CountingReporter::failedUploads);
            uploads(registry, name, "retried", uploads, CountingReporter::retriedUploads);
            uploads(registry, name, "dropped", uploads, CountingReporter::droppedUploads);
        }
    }

    private static <T> void uploads(MeterRegistry registry, String name, String outcome, T reporter,
                                    ToDoubleFunction<T> count) {
        FunctionCounter.builder("holmes.reports", reporter, count).tag("reporter", name).tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void report(DumpEvent event) {
        for (MeterRegistry registry : registries) {
            Counter.builder("holmes.triggers")
                    .tag("type", event.type().fileTag())
                    .tag("trigger", event.trigger())
                    .tag("reason", event.reason().name().toLowerCase(Locale.ROOT))
                    .description("Captures taken, by capture type, trigger and reason")
                    .register(registry)
                    .increment();
            Timer.builder("holmes.capture.duration")
                    .tag("type", event.type().fileTag())
                    .description("Time from the start of a capture to its files on disk")
                    .register(registry)
                    .record(event.duration());
        }
    }

    private static double reading(ObjectProvider<Holmes> provider, String trigger) {
        Holmes h = provider.getIfAvailable();
        if (h == null || !h.triggers().contains(trigger)) {
            return Double.NaN;
        }
        int latest = h.state(trigger).latest();
        return latest < 0 ? Double.NaN : latest;
    }

    private static double value(ObjectProvider<Holmes> provider, ToDoubleFunction<Holmes> f) {
        Holmes h = provider.getIfAvailable();
        return h == null ? Double.NaN : f.applyAsDouble(h);
    }
}
