package io.holmes.spring;

import io.holmes.Probe;
import io.holmes.Trigger;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code holmes.triggers.<name>.*} as Holmes {@link Trigger}s on the application's {@link MeterRegistry}. Only
 * loaded when Micrometer is on the class path; the checks that need no Micrometer are
 * {@link HolmesPropertiesMapper#meterTriggerProblems}.
 */
final class MeterTriggers {

    private MeterTriggers() {
    }

    /** One trigger per configured entry; the properties were validated at binding. */
    static List<Trigger> from(HolmesProperties properties, MeterRegistry registry) {
        List<Trigger> triggers = new ArrayList<>();
        for (Map.Entry<String, HolmesProperties.MeterTrigger> e : properties.getTriggers().entrySet()) {
            HolmesProperties.MeterTrigger t = e.getValue();
            Tags tags = Tags.empty();
            for (Map.Entry<String, String> tag : t.getTags().entrySet()) {
                tags = tags.and(tag.getKey(), tag.getValue());
            }
            MeterStatistic statistic = MeterStatistic.parse(t.getStatistic()).orElseThrow();
            Probe probe = new MeterProbe(registry, t.getMeter(), tags, statistic, System::nanoTime);
            triggers.add(HolmesPropertiesMapper.meterTrigger(e.getKey(), t, probe));
        }
        return triggers;
    }
}
