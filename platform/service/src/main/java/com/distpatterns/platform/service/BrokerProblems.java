package com.distpatterns.platform.service;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.AmqpTimeoutException;

/** A message broker that cannot be reached is the service being unavailable: 503. */
final class BrokerProblems {

    private static final Logger log = LoggerFactory.getLogger(BrokerProblems.class);

    private BrokerProblems() {}

    static ExceptionProblems rules() {
        return ExceptionProblems.platform()
                .on(AmqpConnectException.class, BrokerProblems::unavailable)
                .on(AmqpIOException.class, BrokerProblems::unavailable)
                .on(AmqpTimeoutException.class, BrokerProblems::unavailable)
                .build();
    }

    private static ApiException unavailable(RuntimeException e) {
        log.warn("Message broker unavailable: {}", e.getMessage());
        return ApiException.unavailable("broker-unavailable",
                "The message broker is unreachable; nothing was accepted, try again shortly.", Duration.ofSeconds(1));
    }
}
