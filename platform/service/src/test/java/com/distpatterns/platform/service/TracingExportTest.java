package com.distpatterns.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Traces with the suite's defaults: no span exporter unless OTLP_TRACES_ENDPOINT is set, and without one no span
 * processor either; with it the spans reach that endpoint over OTLP/HTTP (here a plain HTTP server standing for the
 * collector).
 */
class TracingExportTest {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {}

    /** Command-line arguments: they outrank the platform's defaults (sampling 0.1), as a deployment's settings do. */
    private static ConfigurableApplicationContext start(String... settings) {
        List<String> arguments = new ArrayList<>(List.of("--eureka.client.enabled=false",
                "--spring.cloud.discovery.enabled=false", "--management.tracing.sampling.probability=1.0"));
        arguments.addAll(List.of(settings));
        return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
                .run(arguments.toArray(String[]::new));
    }

    @Test
    void withoutAnEndpointNothingIsExported() {
        try (ConfigurableApplicationContext context = start()) {
            assertThat(context.getBean(Tracer.class)).isNotNull();
            assertThat(context.getBeansOfType(SpanExporter.class)).isEmpty();
            assertThat(context.getBean(SpanProcessors.class).list()).as("the tracer's processors").isEmpty();
        }
    }

    @Test
    void withAnEndpointSpansArriveThereOverOtlp() throws Exception {
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            if ("application/x-protobuf".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                received.add(exchange.getRequestBody().readAllBytes());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces";
        try (ConfigurableApplicationContext context = start("--OTLP_TRACES_ENDPOINT=" + endpoint)) {
            Tracer tracer = context.getBean(Tracer.class);
            Span span = tracer.nextSpan().name("exported").start();
            String traceId = span.context().traceId();
            assertThat(span.context().sampled()).as("sampled").isTrue();
            span.end();
            context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);

            byte[] body = received.poll(10, TimeUnit.SECONDS);
            assertThat(body).as("an OTLP/HTTP export request").isNotNull();
            // The span's 16-byte trace id is in the protobuf as it is (a length-delimited field of 16 bytes).
            assertThat(HexFormat.of().formatHex(body)).contains("0a10" + traceId);
        } finally {
            collector.stop(0);
        }
    }
}
