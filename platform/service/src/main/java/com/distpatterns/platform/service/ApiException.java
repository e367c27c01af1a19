package com.distpatterns.platform.service;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/** A client-visible failure that becomes an RFC 9457 problem+json response. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final Duration retryAfter;
    private final Map<String, Object> properties;

    /**
     * @param status the HTTP status of the answer
     * @param type a short slug naming the kind of problem, e.g. {@code lock-held}; becomes {@code /problems/<slug>}
     * @param detail what happened, in words a person can act on
     * @param retryAfter when the client may retry, or {@code null}
     * @param properties extra members of the problem document
     */
    public ApiException(HttpStatus status, String type, String detail, Duration retryAfter,
            Map<String, Object> properties) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
        this.properties = Map.copyOf(properties);
    }

    public ApiException(HttpStatus status, String type, String detail) {
        this(status, type, detail, null, Map.of());
    }

    public static ApiException badRequest(String type, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, detail);
    }

    public static ApiException notFound(String type, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, type, detail);
    }

    public static ApiException conflict(String type, String detail) {
        return new ApiException(HttpStatus.CONFLICT, type, detail);
    }

    public static ApiException payloadTooLarge(String detail) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", detail);
    }

    public static ApiException unavailable(String type, String detail, Duration retryAfter) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, type, detail, retryAfter, Map.of());
    }

    public static ApiException gatewayTimeout(String type, String detail) {
        return new ApiException(HttpStatus.GATEWAY_TIMEOUT, type, detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
