package com.distpatterns.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every line a service logs inside a trace names the trace: in containers (the Dockerfile's
 * {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}) as the JSON fields {@code traceId} and {@code spanId}, in plain
 * text (scripts/run-local.sh) in the line's correlation part.
 */
@ExtendWith(OutputCaptureExtension.class)
class TraceIdInLogsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {}

    private static ConfigurableApplicationContext start(String... settings) {
        List<String> arguments = new ArrayList<>(List.of("--eureka.client.enabled=false",
                "--spring.cloud.discovery.enabled=false", "--spring.application.name=logs-test"));
        arguments.addAll(List.of(settings));
        return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
                .run(arguments.toArray(String[]::new));
    }

    /** Logs one line inside a new span; returns its trace and span ids. */
    private static String[] logInASpan(ConfigurableApplicationContext context, String message) {
        Tracer tracer = context.getBean(Tracer.class);
        Span span = tracer.nextSpan().name("logging").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            LoggerFactory.getLogger(TraceIdInLogsTest.class).info(message);
        } finally {
            span.end();
        }
        return new String[] {span.context().traceId(), span.context().spanId()};
    }

    @Test
    void aJsonLineLoggedInATraceCarriesTheTraceAndSpanIds(CapturedOutput output) {
        String message = "json " + UUID.randomUUID();
        String[] ids;
        try (ConfigurableApplicationContext context = start("--logging.structured.format.console=ecs")) {
            ids = logInASpan(context, message);
        }
        String line = output.getOut().lines().filter(l -> l.contains(message)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + message));
        JsonNode json = JsonMapper.builder().build().readTree(line);
        assertThat(json.path("message").asString()).isEqualTo(message);
        assertThat(json.path("traceId").asString()).as(line).isEqualTo(ids[0]);
        assertThat(json.path("spanId").asString()).as(line).isEqualTo(ids[1]);
    }

    @Test
    void aPlainLineLoggedInATraceCarriesTheTraceId(CapturedOutput output) {
        String message = "plain " + UUID.randomUUID();
        String[] ids;
        try (ConfigurableApplicationContext context = start()) {
            ids = logInASpan(context, message);
        }
        String line = output.getOut().lines().filter(l -> l.contains(message)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + message));
        assertThat(line).contains(ids[0]).contains(ids[1]);
    }
}
