package com.distpatterns.platform.service;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds problem+json answers the same way everywhere in a service. */
public final class Problems {

    /** Problem types are relative URIs under this path, one per kind of failure. */
    public static final String TYPE_PREFIX = "/problems/";

    private Problems() {}

    public static ProblemDetail detail(HttpStatusCode status, String type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (type != null && !type.isBlank()) {
            problem.setType(URI.create(TYPE_PREFIX + type));
        }
        return problem;
    }

    public static ResponseEntity<ProblemDetail> response(ProblemDetail problem, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        return new ResponseEntity<>(problem, headers, problem.getStatus());
    }

    public static ResponseEntity<ProblemDetail> response(ApiException e) {
        ProblemDetail problem = detail(e.status(), e.type(), e.getMessage());
        e.properties().forEach(problem::setProperty);
        return response(problem, e.retryAfter().orElse(null));
    }
}
