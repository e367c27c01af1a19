package com.distpatterns.platform.service;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
 * The one place where an exception that reaches a controller boundary becomes problem+json: the client's mistakes
 * into 4xx with a detail it can act on, everything else into a 500 that reveals nothing internal. In this order:
 * <ol>
 *   <li>an {@link ApiException}, the deliberate refusal: its own status, type and detail;</li>
 *   <li>Spring MVC's own (unreadable or wrong-typed body, failed bean validation, 404, 405, 415 ...), as
 *       {@link ResponseEntityExceptionHandler} decides, with a detail that names the field;</li>
 *   <li>the rules of the {@link ExceptionProblems} beans, a service's before the platform's, for the exception and
 *       then for each of its causes (as Spring matches an {@code @ExceptionHandler});</li>
 *   <li>anything else, an {@link IllegalArgumentException} included (a bug, not a bad request: deliberate
 *       validation throws an {@link ApiException} or a service exception with a rule): 500, logged.</li>
 * </ol>
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    private final List<ExceptionProblems> contributors;

    public ProblemDetailsAdvice(List<ExceptionProblems> contributors) {
        this.contributors = contributors.stream().sorted(Comparator.comparingInt(ExceptionProblems::getOrder)).toList();
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> apiException(ApiException e, HttpServletRequest request) {
        return UnreadBodies.drained(Problems.response(e), request);
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
    ResponseEntity<ProblemDetail> mapped(Exception e, HttpServletRequest request) {
        return UnreadBodies.drained(mapped((Throwable) e).map(Problems::response).orElseGet(() -> unexpected(e)),
                request);
    }

    private Optional<ApiException> mapped(Throwable e) {
        for (ExceptionProblems contributor : contributors) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                Optional<ApiException> problem = contributor.problemFor(t);
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        return Optional.empty();
    }

    private static ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unhandled exception answered as 500", e);
        return Problems.response(
                Problems.detail(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                        "The service failed unexpectedly; the error is logged."),
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
        String detail = "The request body is missing or is not valid JSON of the expected shape"
                + BodyShape.describe(ex).map(shape -> ": " + shape + ".").orElse(".");
        ProblemDetail problem = Problems.detail(status, "unreadable-body", detail);
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
