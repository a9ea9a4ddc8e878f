package io.holmes.spring;

import io.holmes.Holmes;

/**
 * Adjusts the {@link Holmes.Builder} after {@code holmes.*} properties and reporter beans were applied and before
 * Holmes is built. Declare one or more as beans; they run in {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface HolmesBuilderCustomizer {

    void customize(Holmes.Builder builder);
}
