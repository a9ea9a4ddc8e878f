package io.holmes.spring;

import io.holmes.Holmes;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code holmes} Actuator endpoint, when Actuator is present and the endpoint is available (exposed). It needs
 * Spring Boot 3.4 or later: write access is denied by default through endpoint access ({@code Access}, new in 3.4),
 * and on older versions, which would let every exposed endpoint write, the starter registers no endpoint at all.
 */
@AutoConfiguration(after = HolmesAutoConfiguration.class)
@ConditionalOnClass(value = Endpoint.class, name = "org.springframework.boot.actuate.endpoint.Access")
@ConditionalOnBean(Holmes.class)
public class HolmesEndpointAutoConfiguration {

    /**
     * The endpoint, when it is available (exposed and not disabled).
     *
     * @param holmes the Holmes bean to show and change
     * @param events the recent events the endpoint lists
     * @return the endpoint bean
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = HolmesEndpoint.class)
    public HolmesEndpoint holmesEndpoint(Holmes holmes, RecentEvents events) {
        return new HolmesEndpoint(holmes, events);
    }
}
