package com.distpatterns.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.platform.test.ExportedSpans;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Spring Boot's tracing as every process of the suite has it, with and without an exporter: without one the tracer
 * gets no span processor, and spans still carry trace ids; with one every span still reaches it.
 */
class UnexportedSpansAutoConfigurationTest {

    final ApplicationContextRunner tracing = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OpenTelemetrySdkAutoConfiguration.class,
                    MicrometerTracingAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
                    UnexportedSpansAutoConfiguration.class))
            .withPropertyValues("management.tracing.sampling.probability=1.0");

    @Test
    void withoutAnExporterTheTracerHasNoSpanProcessorAndSpansStillCarryTraceIds() {
        tracing.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SpanProcessors.class).list()).isEmpty();
            Span span = context.getBean(Tracer.class).nextSpan().name("call").start();
            assertThat(span.context().traceId()).hasSize(32).isNotEqualTo("0".repeat(32));
            assertThat(span.context().sampled()).isTrue();
            span.end();
        });
    }

    @Test
    void withAnExporterEverySpanReachesIt() {
        ExportedSpans exporter = new ExportedSpans();
        tracing.withBean(SpanExporter.class, () -> exporter).run(context -> {
            assertThat(context.getBean(SpanProcessors.class).list()).singleElement()
                    .isInstanceOf(BatchSpanProcessor.class);
            Span span = context.getBean(Tracer.class).nextSpan().name("call").start();
            span.end();
            assertThat(context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
                    .isTrue();
            assertThat(exporter.ofTrace(span.context().traceId())).extracting(SpanData::getName)
                    .containsExactly("call");
        });
    }
}
