package com.distpatterns.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.micrometer.metrics.autoconfigure.logging.logback.LogbackMetricsAutoConfiguration;

/**
 * The suite's single entry point: routes every {@code /api/**} call to the service that owns it.
 *
 * <p>Without {@code LogbackMetricsAutoConfiguration}: its turbo filter made Logback ask it on every level check of
 * every call; {@code LogEventMetricsConfiguration} makes the same meter from an appender.
 */
@SpringBootApplication(exclude = LogbackMetricsAutoConfiguration.class)
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
