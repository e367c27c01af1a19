package com.distpatterns.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link LogEventMeter} on a Logback context of its own, beside Micrometer's {@code LogbackMetrics} on another. */
class LogEventMeterTest {

    private final LoggerContext context = new LoggerContext();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final LogEventMeter meter = new LogEventMeter(context);

    @AfterEach
    void close() {
        meter.close();
        context.stop();
    }

    @Test
    void countsTheEventsThatPassTheLevelCheckByLevelAsLogbackMetricsDoes() {
        LoggerContext theirs = new LoggerContext();
        MeterRegistry theirRegistry = new SimpleMeterRegistry();
        try (LogbackMetrics logbackMetrics = new LogbackMetrics(List.of(), theirs)) {
            logbackMetrics.bindTo(theirRegistry);
            meter.bindTo(registry);
            for (LoggerContext each : new LoggerContext[] {context, theirs}) {
                each.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
                each.getLogger("quiet").setLevel(Level.ERROR);
                each.getLogger("chatty").setLevel(Level.TRACE);
                Logger service = each.getLogger("service");
                service.error("e");
                service.warn("w");
                service.warn("w");
                service.info("i");
                service.debug("not enabled");
                each.getLogger("quiet").warn("not enabled");
                each.getLogger("chatty").debug("d");
                each.getLogger("chatty").trace("t");
            }
        }
        for (String level : new String[] {"error", "warn", "info", "debug", "trace"}) {
            assertThat(count(registry, level)).as(level).isEqualTo(count(theirRegistry, level));
        }
        assertThat(count(registry, "warn")).isEqualTo(2);
        assertThat(registry.get("logback.events").tag("level", "info").counter().getId().getDescription())
                .isEqualTo(theirRegistry.get("logback.events").tag("level", "info").counter().getId()
                        .getDescription());
    }

    @Test
    void keepsCountingAfterLogbackIsReconfigured() {
        meter.bindTo(registry);
        context.reset(); // what a reconfiguration does first: every appender detached
        context.getLogger("service").warn("after the reset");
        assertThat(count(registry, "warn")).isEqualTo(1);
    }

    @Test
    void stopsCountingWhenClosed() {
        meter.bindTo(registry);
        meter.close();
        context.getLogger("service").warn("after close");
        context.reset();
        context.getLogger("service").warn("after close and a reset");
        assertThat(count(registry, "warn")).isZero();
    }

    private static double count(MeterRegistry registry, String level) {
        return registry.get("logback.events").tag("level", level).counter().count();
    }
}
