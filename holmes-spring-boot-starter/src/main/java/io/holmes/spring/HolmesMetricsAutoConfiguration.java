package io.holmes.spring;

import io.holmes.Holmes;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/** Micrometer meters about Holmes, when Micrometer is on the class path; Boot binds them to every registry. */
@AutoConfiguration(before = HolmesAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnProperty(prefix = "holmes", name = "enabled", havingValue = "true", matchIfMissing = true)
public class HolmesMetricsAutoConfiguration {

    /**
     * The meters, bound to every registry by Spring Boot. The reporter meters look for upload reporters only when
     * holmes-reporters and OkHttp are on the class path.
     *
     * @param holmes the Holmes bean, resolved when a meter is read, so that the meters may be bound before Holmes
     *               exists
     * @param beans  where the reporter beans that count their uploads are looked up
     * @return the meter binder, also an observer of every event
     */
    @Bean
    @ConditionalOnMissingBean
    public HolmesMetrics holmesMetrics(ObjectProvider<Holmes> holmes, ListableBeanFactory beans) {
        return new HolmesMetrics(holmes, beans,
                PyroscopeReporters.isPresent("io.holmes.reporters.UploadingReporter")
                        && PyroscopeReporters.isPresent("okhttp3.OkHttpClient"));
    }
}
