package com.distpatterns.platform.service;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.UncategorizedDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A backing store that cannot be reached is the service being unavailable, not a server bug: 503. */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE - 1)
public class InfrastructureProblemAdvice {

  private static final Logger log = LoggerFactory.getLogger(InfrastructureProblemAdvice.class);

  /**
   * Also the store answering with an error of its own state rather than of the command (Redis LOADING after a
   * restart, READONLY on a replica after a failover, OOM, BUSY): it cannot serve now. A script that fails to run
   * is a bug here, not an outage, and stays a 500.
   */
  @ExceptionHandler(UncategorizedDataAccessException.class)
  ResponseEntity<ProblemDetail> storeRefused(UncategorizedDataAccessException e) {
    if (ScriptErrors.isScriptError(e)) {
      throw e;
    }
    return storeUnavailable(e);
  }

  @ExceptionHandler({DataAccessResourceFailureException.class, QueryTimeoutException.class})
  ResponseEntity<ProblemDetail> storeUnavailable(RuntimeException e) {
    log.warn("Backing store unavailable: {}", e.getMessage());
    return Problems.response(
        Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable",
            "The service's backing store is unreachable; try again shortly."),
        Duration.ofSeconds(1));
  }
}
