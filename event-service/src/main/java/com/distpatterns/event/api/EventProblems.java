package com.distpatterns.event.api;

import com.distpatterns.event.core.InvalidInputException;
import com.distpatterns.event.core.PublishNotConfirmedException;
import com.distpatterns.event.core.StreamCapacityException;
import com.distpatterns.event.core.UnknownSubscriptionException;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.ExceptionProblems;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The event service's own failures as problems; everything else is the platform's to answer. */
@Configuration(proxyBeanMethods = false)
public class EventProblems {

    @Bean
    ExceptionProblems eventExceptionProblems() {
        return ExceptionProblems.service()
                .on(InvalidInputException.class, e -> ApiException.badRequest(e.problem(), e.getMessage()))
                .on(UnknownSubscriptionException.class,
                        e -> ApiException.notFound("unknown-subscription", e.getMessage()))
                .on(PublishNotConfirmedException.class, e -> ApiException.unavailable("publish-not-confirmed",
                        e.getMessage()
                                + " Publish again if it must get through; it may then arrive twice, under two ids.",
                        Duration.ofSeconds(1)))
                .on(StreamCapacityException.class, e -> ApiException.unavailable("too-many-streams", e.getMessage(),
                        Duration.ofSeconds(5)))
                .build();
    }
}
