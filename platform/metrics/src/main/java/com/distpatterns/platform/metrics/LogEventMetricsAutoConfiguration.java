package com.distpatterns.platform.metrics;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code logback.events} from {@link LogEventMeter} in place of Spring Boot's {@code LogbackMetrics}, whose
 * auto-configuration {@link LogbackMetricsReplaced} keeps out, under the same conditions as Boot's. The bean takes that
 * auto-configuration's bean name, so that start-up fails rather than count every event twice (and keep its turbo
 * filter) should the two ever meet.
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class})
@ConditionalOnClass({MeterRegistry.class, LoggerContext.class, LoggerFactory.class})
@ConditionalOnBean(MeterRegistry.class)
@Conditional(LogEventMetricsAutoConfiguration.LogbackIsTheLogger.class)
public class LogEventMetricsAutoConfiguration {

    @Bean(destroyMethod = "close")
    LogEventMeter logbackMetrics() {
        return new LogEventMeter((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    /** SLF4J bound to Logback: with another backend on the class path there is no Logback context to count in. */
    static final class LogbackIsTheLogger implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return LoggerFactory.getILoggerFactory() instanceof LoggerContext;
        }
    }
}
