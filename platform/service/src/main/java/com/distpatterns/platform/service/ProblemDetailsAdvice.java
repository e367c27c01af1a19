package com.distpatterns.platform.service;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every exception that reaches a controller boundary into problem+json: the client's mistakes into 4xx
 * with a detail it can act on, everything else into a 500 that reveals nothing internal.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> apiException(ApiException e) {
    return Problems.response(e);
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<ProblemDetail> constraintViolation(ConstraintViolationException e) {
    String detail = e.getConstraintViolations().stream()
        .map(ProblemDetailsAdvice::describe)
        .sorted()
        .collect(Collectors.joining("; "));
    return Problems.response(Problems.detail(HttpStatus.BAD_REQUEST, "invalid-request", detail), null);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    log.error("Unhandled exception answered as 500", e);
    return Problems.response(
        Problems.detail(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "The service failed unexpectedly; the error is logged."),
        null);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String detail = ex.getBindingResult().getAllErrors().stream()
        .map(error -> error instanceof FieldError field
            ? field.getField() + ": " + field.getDefaultMessage()
            : error.getDefaultMessage())
        .sorted()
        .collect(Collectors.joining("; "));
    ProblemDetail problem = Problems.detail(status, "invalid-request", detail);
    return handleExceptionInternal(ex, problem, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String detail = ex.getAllErrors().stream()
        .map(error -> error.getDefaultMessage())
        .sorted()
        .collect(Collectors.joining("; "));
    ProblemDetail problem = Problems.detail(status, "invalid-request", detail);
    return handleExceptionInternal(ex, problem, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail problem = Problems.detail(status, "unreadable-body",
        "The request body is missing or is not valid JSON of the expected shape.");
    return handleExceptionInternal(ex, problem, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
    HttpHeaders problemHeaders = new HttpHeaders();
    problemHeaders.putAll(headers);
    problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return super.handleExceptionInternal(ex, body, problemHeaders, statusCode, request);
  }

  private static String describe(ConstraintViolation<?> violation) {
    String path = violation.getPropertyPath().toString();
    int dot = path.lastIndexOf('.');
    String name = dot >= 0 ? path.substring(dot + 1) : path;
    return name + ": " + violation.getMessage();
  }
}
