package com.distpatterns.platform.metrics;

import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.context.annotation.Bean;

/**
 * No span processing where spans go nowhere. Without an exporter (no {@code OTLP_TRACES_ENDPOINT}, the default),
 * Spring Boot still hands every sampled span to a batch span processor, which queues and batches it only to drop it:
 * 2.2 % of cache-service's CPU samples on a near-cache hit, 0.3 % of the gateway's (docs/benchmarks.md, issue 22,
 * thirtieth session). Then the tracer gets no processor at all. Spans are still made and sampled as before, so trace
 * ids still reach the logs and {@code traceparent} still goes downstream with its sampled flag; with an exporter,
 * every processor is the tracer's, as in Spring Boot's own bean this one takes the place of.
 */
@AutoConfiguration(before = OpenTelemetryTracingAutoConfiguration.class)
@ConditionalOnClass({SpanProcessors.class, SdkTracerProvider.class, SpanExporter.class})
public class UnexportedSpansAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(UnexportedSpansAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    SpanProcessors spanProcessors(ObjectProvider<SpanExporter> exporters, ObjectProvider<SpanProcessor> processors) {
        if (exporters.stream().findAny().isEmpty()) {
            log.info("No span exporter (OTLP_TRACES_ENDPOINT unset): spans carry trace ids but are not processed");
            return SpanProcessors.of(List.of());
        }
        return SpanProcessors.of(processors.orderedStream().toList());
    }
}
