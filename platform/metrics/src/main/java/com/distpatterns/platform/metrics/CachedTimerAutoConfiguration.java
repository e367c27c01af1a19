package com.distpatterns.platform.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler.IgnoredMeters;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Observations' timers kept once found ({@link CachedTimerObservationHandler}). Spring Boot registers Micrometer's
 * {@code DefaultMeterObservationHandler} unconditionally; this handler comes before it, and the first meter handler
 * that takes an observation is the only one that sees it, so Boot's is left with nothing to do. Both are wrapped alike
 * for exemplars when tracing is on ({@link SampledExemplarsHandlerGroup}).
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class})
@ConditionalOnBean(MeterRegistry.class)
public class CachedTimerAutoConfiguration {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    CachedTimerObservationHandler cachedTimerObservationHandler(MeterRegistry registry, MetricsProperties properties) {
        return new CachedTimerObservationHandler(registry,
                properties.getObservations().getIgnoredMeters().toArray(IgnoredMeters[]::new));
    }
}
