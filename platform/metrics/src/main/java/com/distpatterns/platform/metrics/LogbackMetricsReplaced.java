package com.distpatterns.platform.metrics;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.boot.micrometer.metrics.autoconfigure.logging.logback.LogbackMetricsAutoConfiguration;

/**
 * Keeps Spring Boot's {@code LogbackMetricsAutoConfiguration} out of every application that has this module, as an
 * {@code exclude} on each application would, so that no service can forget it: its {@code LogbackMetrics} puts a turbo
 * filter in Logback, which Logback then asks on every level check, enabled or not (Jetty's in every service, a dozen
 * per proxied call in the gateway; docs/benchmarks.md). {@link LogEventMetricsAutoConfiguration} keeps the same meter.
 */
public final class LogbackMetricsReplaced implements AutoConfigurationImportFilter {

    private static final String REPLACED = LogbackMetricsAutoConfiguration.class.getName();

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata autoConfigurationMetadata) {
        boolean[] kept = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = !REPLACED.equals(autoConfigurationClasses[i]);
        }
        return kept;
    }
}
