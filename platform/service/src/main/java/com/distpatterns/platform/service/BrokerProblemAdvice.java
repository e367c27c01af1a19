package com.distpatterns.platform.service;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.AmqpTimeoutException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A message broker that cannot be reached is the service being unavailable: 503. */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE - 1)
public class BrokerProblemAdvice {

  private static final Logger log = LoggerFactory.getLogger(BrokerProblemAdvice.class);

  @ExceptionHandler({AmqpConnectException.class, AmqpIOException.class, AmqpTimeoutException.class})
  ResponseEntity<ProblemDetail> brokerUnavailable(RuntimeException e) {
    log.warn("Message broker unavailable: {}", e.getMessage());
    return Problems.response(
        Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable",
            "The message broker is unreachable; nothing was accepted, try again shortly."),
        Duration.ofSeconds(1));
  }
}
