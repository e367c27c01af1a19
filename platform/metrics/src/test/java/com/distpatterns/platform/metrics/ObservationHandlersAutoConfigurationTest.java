package com.distpatterns.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.platform.test.ExportedSpans;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * Spring Boot's observation, metrics and tracing as every process of the suite has them: an observation's timer is
 * recorded once, by the handler that keeps it; a received call's span takes its parent from the caller's
 * {@code traceparent}, and a sampled one carries the observation's key values as tags.
 */
class ObservationHandlersAutoConfigurationTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    final ApplicationContextRunner suite = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
                    MicrometerTracingAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
                    CachedTimerAutoConfiguration.class, ReceiverSpanAutoConfiguration.class,
                    SampledExemplarsAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("management.metrics.observations.ignored-meters=long-task-timer");

    @Test
    void anObservationIsTimedOnceByTheHandlerThatKeepsItsTimer() {
        suite.run(context -> {
            assertThat(context).hasNotFailed();
            for (int i = 0; i < 5; i++) {
                received(context, "00-" + TRACE + "-00f067aa0ba902b7-01");
            }
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("call").tag("uri", "/a").tag("error", "none").timer().count()).isEqualTo(5);
            assertThat(meters.find("call.active").meters()).isEmpty();
            assertThat(context.getBean(CachedTimerObservationHandler.class).timersKept()).isEqualTo(1);
        });
    }

    @Test
    void aSampledReceivedCallsSpanCarriesTheKeyValuesAndTheCallersTrace() {
        ExportedSpans exporter = new ExportedSpans();
        suite.withBean(SpanExporter.class, () -> exporter).run(context -> {
            assertThat(context.getBean(PropagatingReceiverTracingObservationHandler.class))
                    .isInstanceOf(RecordedSpanTagsHandler.class);
            received(context, "00-" + TRACE + "-00f067aa0ba902b7-01");
            assertThat(context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
                    .isTrue();
            SpanData span = exporter.ofTrace(TRACE).getFirst();
            assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(span.getAttributes().asMap())
                    .extractingFromEntries(e -> e.getKey().getKey() + "=" + e.getValue())
                    .contains("uri=/a", "http.url=/a?x=1");
        });
    }

    @Test
    void anUnsampledReceivedCallStillContinuesTheCallersTrace() {
        ExportedSpans exporter = new ExportedSpans();
        suite.withBean(SpanExporter.class, () -> exporter).run(context -> {
            AtomicReference<String> traceId = new AtomicReference<>();
            Tracer tracer = context.getBean(Tracer.class);
            received(context, "00-" + TRACE + "-00f067aa0ba902b7-00",
                    () -> traceId.set(tracer.currentSpan().context().traceId()));
            assertThat(traceId).hasValue(TRACE);
            assertThat(context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
                    .isTrue();
            assertThat(exporter.ofTrace(TRACE)).isEmpty();
        });
    }

    private static void received(ApplicationContext context, String traceparent) {
        received(context, traceparent, () -> {});
    }

    /** A call received with {@code traceparent}, {@code handling} run in its scope. */
    private static void received(ApplicationContext context, String traceparent, Runnable handling) {
        ReceiverContext<Map<String, String>> call = new ReceiverContext<>(Map::get);
        call.setCarrier(Map.of("traceparent", traceparent));
        Observation observation = Observation.createNotStarted("call", () -> call,
                context.getBean(ObservationRegistry.class)).lowCardinalityKeyValue("uri", "/a")
                .highCardinalityKeyValue("http.url", "/a?x=1").start();
        try (Observation.Scope scope = observation.openScope()) {
            handling.run();
        }
        observation.stop();
    }
}
