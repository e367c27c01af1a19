package com.distpatterns.gateway.config;

import ch.qos.logback.classic.LoggerContext;
import com.distpatterns.gateway.infra.LogEventMeter;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code logback.events} from {@link LogEventMeter} in place of Spring Boot's {@code LogbackMetrics}, whose
 * auto-configuration {@code GatewayApplication} excludes. The bean takes that auto-configuration's bean name, so that
 * start-up fails rather than count every event twice (and keep its turbo filter) should the exclusion go missing.
 */
@Configuration(proxyBeanMethods = false)
public class LogEventMetricsConfiguration {

    @Bean(destroyMethod = "close")
    LogEventMeter logbackMetrics() {
        return new LogEventMeter((LoggerContext) LoggerFactory.getILoggerFactory());
    }
}
