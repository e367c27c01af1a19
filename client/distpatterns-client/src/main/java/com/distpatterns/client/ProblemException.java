package com.distpatterns.client;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The suite answered with an error: the RFC 9457 problem it sent ({@code type}, {@code title}, {@code status},
 * {@code detail}), or what the client could make of a body that was not one. Subclasses name the statuses a
 * caller usually handles; any other status is a plain {@code ProblemException}.
 */
public class ProblemException extends SuiteException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final URI type;
    private final String title;
    private final String detail;
    private final transient Duration retryAfter;

    public ProblemException(int status, URI type, String title, String detail, Duration retryAfter) {
        super(status + " " + title + (detail == null ? "" : ": " + detail), null);
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    /** The exception class that matches a status. */
    public static ProblemException of(int status, URI type, String title, String detail, Duration retryAfter) {
        switch (status) {
            case 400, 413, 422:
                return new InvalidRequestException(status, type, title, detail, retryAfter);
            case 401, 403:
                return new UnauthorizedException(status, type, title, detail, retryAfter);
            case 404:
                return new NotFoundException(status, type, title, detail, retryAfter);
            case 409, 412:
                return new ConflictException(status, type, title, detail, retryAfter);
            case 429:
                return new RateLimitedException(status, type, title, detail, retryAfter);
            case 502, 503, 504:
                return new UnavailableException(status, type, title, detail, retryAfter);
            default:
                return new ProblemException(status, type, title, detail, retryAfter);
        }
    }

    public int status() {
        return status;
    }

    /** The problem's {@code type}, e.g. {@code /problems/lock-held}; {@code about:blank} when none was given. */
    public URI type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** What to change, as the suite worded it; may be {@code null}. */
    public String detail() {
        return detail;
    }

    /** The answer's {@code Retry-After}, if it had one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** 400, 413, 422: the request itself is wrong (or, 422, the task it ran failed); repeating it does not help. */
    public static final class InvalidRequestException extends ProblemException {
        private static final long serialVersionUID = 1L;

        InvalidRequestException(int status, URI type, String title, String detail, Duration retryAfter) {
            super(status, type, title, detail, retryAfter);
        }
    }

    /** 401, 403: a missing or wrong {@code distpatterns.api-key}. */
    public static final class UnauthorizedException extends ProblemException {
        private static final long serialVersionUID = 1L;

        UnauthorizedException(int status, URI type, String title, String detail, Duration retryAfter) {
            super(status, type, title, detail, retryAfter);
        }
    }

    /** 404. */
    public static final class NotFoundException extends ProblemException {
        private static final long serialVersionUID = 1L;

        NotFoundException(int status, URI type, String title, String detail, Duration retryAfter) {
            super(status, type, title, detail, retryAfter);
        }
    }

    /** 409, 412: the state is not what the call required (a lock held by another, a lease no longer held, ...). */
    public static final class ConflictException extends ProblemException {
        private static final long serialVersionUID = 1L;

        ConflictException(int status, URI type, String title, String detail, Duration retryAfter) {
            super(status, type, title, detail, retryAfter);
        }
    }

    /** 429: over the gateway's rate limit even after the client's retries. */
    public static final class RateLimitedException extends ProblemException {
        private static final long serialVersionUID = 1L;

        RateLimitedException(int status, URI type, String title, String detail, Duration retryAfter) {
            super(status, type, title, detail, retryAfter);
        }
    }

    /** 502, 503, 504: a service down, its store unreachable, or too slow, even after the client's retries. */
    public static final class UnavailableException extends ProblemException {
        private static final long serialVersionUID = 1L;

        UnavailableException(int status, URI type, String title, String detail, Duration retryAfter) {
            super(status, type, title, detail, retryAfter);
        }
    }
}
