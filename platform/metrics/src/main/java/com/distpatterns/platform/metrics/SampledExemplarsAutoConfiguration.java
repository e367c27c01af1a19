package com.distpatterns.platform.metrics;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Where a process traces, its observations' timers stop in their span's scope, for exemplars, only where the span is
 * sampled ({@link SampledExemplarsHandlerGroup}, taking the place of the group Spring Boot makes alongside this one).
 */
@AutoConfiguration(after = MicrometerTracingAutoConfiguration.class)
@ConditionalOnClass({TracingAwareMeterObservationHandler.class, MeterObservationHandler.class})
@ConditionalOnBean(Tracer.class)
public class SampledExemplarsAutoConfiguration {

    @Bean
    SampledExemplarsHandlerGroup sampledExemplarsHandlerGroup(Tracer tracer) {
        return new SampledExemplarsHandlerGroup(tracer);
    }
}
