package com.distpatterns.platform.metrics;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * The handler of received calls' spans ({@link RecordedSpanTagsHandler}) in place of Spring Boot's, which backs off
 * when one is present: same order, same tracer and propagator.
 */
@AutoConfiguration(after = OpenTelemetryTracingAutoConfiguration.class,
        before = MicrometerTracingAutoConfiguration.class)
@ConditionalOnClass({PropagatingReceiverTracingObservationHandler.class, OpenTelemetryTracingAutoConfiguration.class})
public class ReceiverSpanAutoConfiguration {

    /** Spring Boot's own order for its receiver handler (its sender's is 2000). */
    private static final int BOOT_RECEIVER_ORDER = 1000;

    @Bean
    @ConditionalOnBean({Tracer.class, Propagator.class})
    @ConditionalOnMissingBean(PropagatingReceiverTracingObservationHandler.class)
    @Order(BOOT_RECEIVER_ORDER)
    RecordedSpanTagsHandler recordedSpanTagsHandler(Tracer tracer, Propagator propagator) {
        return new RecordedSpanTagsHandler(tracer, propagator);
    }
}
