package com.distpatterns.gateway.api;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * An RFC 9457 problem the gateway answers itself.
 *
 * @param status the HTTP status
 * @param type a short slug, served as {@code /problems/<slug>}
 * @param detail what happened, in words a person can act on
 * @param retryAfter when to retry, or {@code null}
 */
public record Problem(HttpStatus status, String type, String detail, Duration retryAfter) {

    public Problem(HttpStatus status, String type, String detail) {
        this(status, type, detail, null);
    }
}
