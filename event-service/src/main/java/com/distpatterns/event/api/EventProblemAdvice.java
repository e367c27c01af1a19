package com.distpatterns.event.api;

import com.distpatterns.event.core.InvalidInputException;
import com.distpatterns.event.core.PublishNotConfirmedException;
import com.distpatterns.event.core.StreamCapacityException;
import com.distpatterns.event.core.UnknownSubscriptionException;
import com.distpatterns.platform.service.Problems;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The event service's own failures as problem+json; everything else is the platform's advice. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class EventProblemAdvice {

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<ProblemDetail> invalidInput(InvalidInputException e) {
    return Problems.response(Problems.detail(HttpStatus.BAD_REQUEST, e.problem(), e.getMessage()), null);
  }

  @ExceptionHandler(UnknownSubscriptionException.class)
  ResponseEntity<ProblemDetail> unknownSubscription(UnknownSubscriptionException e) {
    return Problems.response(Problems.detail(HttpStatus.NOT_FOUND, "unknown-subscription", e.getMessage()), null);
  }

  @ExceptionHandler(PublishNotConfirmedException.class)
  ResponseEntity<ProblemDetail> notConfirmed(PublishNotConfirmedException e) {
    return Problems.response(Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "publish-not-confirmed",
        e.getMessage() + " Publish again if it must get through; it may then arrive twice, under two ids."),
        Duration.ofSeconds(1));
  }

  @ExceptionHandler(StreamCapacityException.class)
  ResponseEntity<ProblemDetail> streamCapacity(StreamCapacityException e) {
    return Problems.response(Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "too-many-streams", e.getMessage()),
        Duration.ofSeconds(5));
  }
}
