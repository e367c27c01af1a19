package com.distpatterns.cache.api;

import com.distpatterns.cache.core.InvalidInputException;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A broken limit of the cache API is the client's to fix: 400, or 413 for a value over 1 MiB. */
@RestControllerAdvice(basePackageClasses = InvalidInputAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidInputAdvice {

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<ProblemDetail> invalidInput(InvalidInputException e) {
    ApiException problem = switch (e.reason()) {
      case CACHE_NAME -> ApiException.badRequest("invalid-cache-name", e.getMessage());
      case KEY -> ApiException.badRequest("invalid-key", e.getMessage());
      case TTL -> ApiException.badRequest("invalid-ttl", e.getMessage());
      case VALUE_NOT_JSON -> ApiException.badRequest("invalid-json", e.getMessage());
      case VALUE_TOO_LARGE -> new ApiException(HttpStatus.CONTENT_TOO_LARGE, "value-too-large", e.getMessage());
    };
    return Problems.response(problem);
  }
}
