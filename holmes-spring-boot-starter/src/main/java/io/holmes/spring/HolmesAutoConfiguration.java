package io.holmes.spring;

import io.holmes.DumpType;
import io.holmes.Holmes;
import io.holmes.ProfileReporter;
import io.holmes.reporters.PyroscopeReporter;
import io.micrometer.core.instrument.MeterRegistry;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Holmes from {@code holmes.*}: on by default when the starter is on the class path, off with
 * {@code holmes.enabled=false}. The cpu, mem and thread rules run with {@link io.holmes.Rule#defaults} unless
 * thresholds are set, and {@code holmes.<rule>.enabled=false} switches one off. Every bean backs off when the application declares its own. Reporter beans
 * ({@link ProfileReporter}) are handed to Holmes; {@link HolmesBuilderCustomizer} beans adjust the builder last.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "holmes", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(HolmesProperties.class)
public class HolmesAutoConfiguration {

    /** How many events the Actuator endpoint remembers. */
    static final int RECENT_EVENTS = 20;

    /**
     * The memory of the Actuator endpoint, also a reporter of every event Holmes captures.
     *
     * @return a store of the latest 20 events
     */
    @Bean
    @ConditionalOnMissingBean
    public RecentEvents holmesRecentEvents() {
        return new RecentEvents(RECENT_EVENTS);
    }

    /**
     * Holmes, built from {@code holmes.*}, then every {@link ProfileReporter} bean in order, then every
     * {@link HolmesBuilderCustomizer} in order. It is started by {@link HolmesLifecycle} and closed with the context.
     *
     * @param properties  the bound {@code holmes.*} properties, already validated
     * @param reporters   the application's reporter beans, this starter's included
     * @param customizers the application's customizers
     * @return a built, not yet started Holmes; rules with {@code holmes.<rule>.enabled=false} are switched off
     * @throws IllegalArgumentException when a customizer leaves the builder with a bad option
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Holmes holmes(HolmesProperties properties, ObjectProvider<ProfileReporter> reporters,
                         ObjectProvider<HolmesBuilderCustomizer> customizers) {
        Holmes.Builder builder = HolmesPropertiesMapper.toBuilder(properties);
        reporters.orderedStream().forEach(builder::reporter);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        Holmes holmes = builder.build();
        for (DumpType off : HolmesPropertiesMapper.disabledRules(properties)) {
            holmes.disable(off);
        }
        return holmes;
    }

    /**
     * Starts Holmes with the application context and stops it when the context stops.
     *
     * @param holmes the Holmes bean, this starter's or the application's own
     * @return the lifecycle bean
     */
    @Bean
    @ConditionalOnMissingBean
    public HolmesLifecycle holmesLifecycle(Holmes holmes) {
        return new HolmesLifecycle(holmes);
    }

    /**
     * {@code holmes.triggers.*}: triggers on the application's Micrometer meters, added to the builder like any
     * customizer. Needs a {@link MeterRegistry} bean when any is configured.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MeterTriggerConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "holmesMeterTriggers")
        public HolmesBuilderCustomizer holmesMeterTriggers(HolmesProperties properties,
                                                           ObjectProvider<MeterRegistry> registry) {
            if (properties.getTriggers().isEmpty()) {
                return builder -> {
                };
            }
            MeterRegistry meters = registry.getIfAvailable();
            if (meters == null) {
                throw new IllegalStateException("holmes.triggers " + properties.getTriggers().keySet()
                        + " read Micrometer meters, but the application has no MeterRegistry bean");
            }
            return builder -> MeterTriggers.from(properties, meters).forEach(builder::trigger);
        }
    }

    /**
     * The Pyroscope reporter, when {@code holmes.pyroscope.server-address} is set and holmes-reporters (with OkHttp)
     * is on the class path; the starter declares both optional, so an application adds holmes-reporters to push.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({OkHttpClient.class, PyroscopeReporter.class})
    @ConditionalOnExpression("!'${holmes.pyroscope.server-address:}'.isBlank()")
    static class PyroscopeConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        public PyroscopeReporter holmesPyroscopeReporter(HolmesProperties properties, Environment environment,
                                                         ObjectProvider<OkHttpClient> client) {
            HolmesProperties.Pyroscope pyroscope = properties.getPyroscope();
            String name = pyroscope.getApplicationName() != null ? pyroscope.getApplicationName()
                    : environment.getProperty("spring.application.name");
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("holmes.pyroscope.application-name must be set when"
                        + " spring.application.name is not");
            }
            return PyroscopeReporters.builder(pyroscope, name, client.getIfAvailable()).build();
        }
    }
}
