package com.distpatterns.lock.api;

import com.distpatterns.lock.core.LeaseNotHeldException;
import com.distpatterns.lock.core.LockHeldException;
import com.distpatterns.lock.core.LockStoreUnavailableException;
import com.distpatterns.platform.service.Problems;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The lock's own failures as problem+json; everything else falls through to the platform's advice. */
@RestControllerAdvice(assignableTypes = LockController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class LockProblemAdvice {

  @ExceptionHandler(LockHeldException.class)
  ResponseEntity<ProblemDetail> lockHeld(LockHeldException e) {
    ProblemDetail problem = Problems.detail(HttpStatus.CONFLICT, "lock-held", e.getMessage());
    problem.setProperty("name", e.lockName());
    return Problems.response(problem, e.holderExpiresIn());
  }

  @ExceptionHandler(LeaseNotHeldException.class)
  ResponseEntity<ProblemDetail> leaseNotHeld(LeaseNotHeldException e) {
    return Problems.response(Problems.detail(HttpStatus.CONFLICT, "lease-not-held", e.getMessage()), null);
  }

  @ExceptionHandler(LockStoreUnavailableException.class)
  ResponseEntity<ProblemDetail> storeUnavailable(LockStoreUnavailableException e) {
    return Problems.response(Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable", e.getMessage()),
        Duration.ofSeconds(1));
  }
}
