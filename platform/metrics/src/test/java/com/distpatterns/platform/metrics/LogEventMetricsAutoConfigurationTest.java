package com.distpatterns.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/**
 * An application started as every service starts, with this module on its class path: Boot's {@code LogbackMetrics}
 * is kept out by {@link LogbackMetricsReplaced} (had it not been, the two {@code logbackMetrics} beans would have
 * stopped the start), and {@code logback.events} counts without a turbo filter.
 */
@SpringBootTest(classes = LogEventMetricsAutoConfigurationTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class LogEventMetricsAutoConfigurationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}

    @Autowired
    private ApplicationContext context;

    @Autowired
    private MeterRegistry registry;

    @Test
    void logEventsAreCountedByTheAppenderAndLogbackHoldsNoTurboFilter() {
        assertThat(context.getBeansOfType(LogbackMetrics.class)).isEmpty();
        assertThat(context.getBean("logbackMetrics")).isInstanceOf(LogEventMeter.class);
        assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getTurboFilterList()).isEmpty();

        double before = warnings();
        LoggerFactory.getLogger(LogEventMetricsAutoConfigurationTest.class).warn("one warning, counted");
        LoggerFactory.getLogger(LogEventMetricsAutoConfigurationTest.class).debug("not enabled, not counted");

        assertThat(warnings() - before).isEqualTo(1);
        assertThat(registry.get("logback.events").tag("level", "debug").counter().count()).isZero();
    }

    private double warnings() {
        return registry.get("logback.events").tag("level", "warn").counter().count();
    }
}
