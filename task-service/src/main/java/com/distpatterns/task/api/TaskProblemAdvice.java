package com.distpatterns.task.api;

import com.distpatterns.task.core.LeaseLostException;
import com.distpatterns.task.core.TaskTypeConflictException;
import com.distpatterns.platform.service.Problems;
import com.distpatterns.task.core.InvalidTaskException;
import com.distpatterns.task.core.QueueUnavailableException;
import com.distpatterns.task.core.RevokeRefusedException;
import com.distpatterns.task.core.RpcTimeoutException;
import com.distpatterns.task.core.TaskNotFoundException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The task core's refusals as problem+json. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class TaskProblemAdvice {

  private static final Logger log = LoggerFactory.getLogger(TaskProblemAdvice.class);

  @ExceptionHandler(InvalidTaskException.class)
  ResponseEntity<ProblemDetail> invalid(InvalidTaskException e) {
    return Problems.response(Problems.detail(HttpStatus.BAD_REQUEST, "invalid-task", e.getMessage()), null);
  }

  @ExceptionHandler(TaskNotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(TaskNotFoundException e) {
    return Problems.response(Problems.detail(HttpStatus.NOT_FOUND, "task-not-found", e.getMessage()), null);
  }

  @ExceptionHandler(RevokeRefusedException.class)
  ResponseEntity<ProblemDetail> tooLate(RevokeRefusedException e) {
    ProblemDetail problem = Problems.detail(HttpStatus.CONFLICT, "task-already-started", e.getMessage());
    problem.setProperty("taskStatus", e.status().name());
    return Problems.response(problem, null);
  }

  @ExceptionHandler(LeaseLostException.class)
  ResponseEntity<ProblemDetail> leaseLost(LeaseLostException e) {
    return Problems.response(Problems.detail(HttpStatus.CONFLICT, "lease-lost", e.getMessage()), null);
  }

  @ExceptionHandler(TaskTypeConflictException.class)
  ResponseEntity<ProblemDetail> builtInType(TaskTypeConflictException e) {
    return Problems.response(Problems.detail(HttpStatus.CONFLICT, "task-type-reserved", e.getMessage()), null);
  }

  @ExceptionHandler(QueueUnavailableException.class)
  ResponseEntity<ProblemDetail> brokerUnavailable(QueueUnavailableException e) {
    log.warn("Submission refused, broker unavailable: {}", e.getMessage());
    return Problems.response(Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable",
        "The message broker did not accept the task; nothing was queued. Try again shortly."), Duration.ofSeconds(1));
  }

  @ExceptionHandler(RpcTimeoutException.class)
  ResponseEntity<ProblemDetail> rpcTimeout(RpcTimeoutException e) {
    return Problems.response(Problems.detail(HttpStatus.GATEWAY_TIMEOUT, "rpc-timeout", e.getMessage()), null);
  }
}
