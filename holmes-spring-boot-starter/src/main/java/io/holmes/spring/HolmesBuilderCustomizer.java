package io.holmes.spring;

import io.holmes.Holmes;

/**
 * Adjusts the {@link Holmes.Builder} after {@code holmes.*} properties and reporter beans were applied and before
 * Holmes is built. Declare one or more as beans; they run in {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface HolmesBuilderCustomizer {

    /**
     * Changes the builder in place; called once, on the thread that creates the Holmes bean. Whatever it sets is
     * checked by {@link Holmes.Builder#build()} afterwards, and a bad value fails start-up.
     *
     * @param builder the builder, with the properties and reporters already applied
     */
    void customize(Holmes.Builder builder);
}
