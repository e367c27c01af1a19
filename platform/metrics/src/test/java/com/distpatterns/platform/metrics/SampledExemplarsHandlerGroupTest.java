package com.distpatterns.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Spring Boot's observation, metrics, Prometheus export and tracing as every service has them: a timer stops in its
 * span's scope only where the span is sampled. A sampled call's timer still carries its trace as an exemplar on the
 * scrape; an unsampled call's timer is recorded with no span made current for it, where Boot's own grouping makes
 * every span current.
 */
class SampledExemplarsHandlerGroupTest {

    private static final String SAMPLED = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String UNSAMPLED = "5cf92f3577b34da6a3ce929d0e0e4737";
    private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    final ApplicationContextRunner suite = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class,
                    OpenTelemetrySdkAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
                    OpenTelemetryTracingAutoConfiguration.class, PrometheusExemplarsAutoConfiguration.class,
                    CachedTimerAutoConfiguration.class, ReceiverSpanAutoConfiguration.class,
                    SampledExemplarsAutoConfiguration.class))
            .withPropertyValues("management.metrics.observations.ignored-meters=long-task-timer");

    @Test
    void aSampledCallsTimerCarriesItsTraceAsAnExemplarAndAnUnsampledOnesCountsWithoutOne() {
        suite.run(context -> {
            assertThat(context).hasNotFailed();
            received(context, "/sampled", SAMPLED, "01");
            received(context, "/unsampled", UNSAMPLED, "00");
            List<String> counts = context.getBean(PrometheusMeterRegistry.class).scrape(OPEN_METRICS).lines()
                    .filter(line -> line.startsWith("call_seconds_count")).toList();
            assertThat(counts).filteredOn(line -> line.contains("uri=\"/sampled\"")).singleElement().asString()
                    .contains(" 1 # {").contains("trace_id=\"" + SAMPLED + "\"");
            assertThat(counts).filteredOn(line -> line.contains("uri=\"/unsampled\"")).singleElement().asString()
                    .endsWith(" 1").doesNotContain("trace_id");
        });
    }

    @Test
    void aTimerStopsInItsSpansScopeOnlyWhereTheSpanIsSampled() {
        suite.withUserConfiguration(StopWitness.class).run(context -> {
            received(context, "/sampled", SAMPLED, "01");
            received(context, "/unsampled", UNSAMPLED, "00");
            assertThat(context.getBean(StopWitness.class).currentAtStop).containsExactly(SAMPLED, "none");
        });
    }

    /** The contrast that shows the witness can tell: Spring Boot's group alone makes every span current. */
    @Test
    void bootsOwnGroupMakesEverySpanCurrentWhileTheTimerStops() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                        MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                        OpenTelemetrySdkAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
                        OpenTelemetryTracingAutoConfiguration.class))
                .withUserConfiguration(StopWitness.class).run(context -> {
                    received(context, "/sampled", SAMPLED, "01");
                    received(context, "/unsampled", UNSAMPLED, "00");
                    assertThat(context.getBean(StopWitness.class).currentAtStop).containsExactly(SAMPLED, UNSAMPLED);
                });
    }

    /** A call received with the caller's trace, observed as the suite's servers observe theirs. */
    private static void received(ApplicationContext context, String uri, String trace, String flags) {
        ReceiverContext<Map<String, String>> call = new ReceiverContext<>(Map::get);
        call.setCarrier(Map.of("traceparent", "00-" + trace + "-00f067aa0ba902b7-" + flags));
        Observation observation = Observation.createNotStarted("call", () -> call,
                context.getBean(ObservationRegistry.class)).lowCardinalityKeyValue("uri", uri).start();
        try (Observation.Scope scope = observation.openScope()) {
            // the call's handling
        }
        observation.stop();
    }

    /** The first meter handler, so the one that takes every observation: notes the span current at each stop. */
    @Configuration(proxyBeanMethods = false)
    static class StopWitness {

        final List<String> currentAtStop = new CopyOnWriteArrayList<>();

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        MeterObservationHandler<Observation.Context> stopWitness(ObjectProvider<Tracer> tracer) {
            return new MeterObservationHandler<>() {
                @Override
                public void onStop(Observation.Context context) {
                    Span current = tracer.getObject().currentSpan();
                    currentAtStop.add(current == null ? "none" : current.context().traceId());
                }
            };
        }
    }
}
