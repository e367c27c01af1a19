package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.CompactedException;
import com.distpatterns.consensus.core.FutureRevisionException;
import com.distpatterns.consensus.core.LeaseNotFoundException;
import com.distpatterns.consensus.core.MembershipException;
import com.distpatterns.consensus.core.QuotaExceededException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.Problems;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** What the cluster could not do becomes 503 with Retry-After; an impossible membership change, 409. */
@RestControllerAdvice(basePackageClasses = ConsensusProblemAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsensusProblemAdvice {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    @ExceptionHandler(ConsensusUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ConsensusUnavailableException e) {
        String type = switch (e.reason()) {
            case NO_LEADER -> "no-leader";
            case TIMED_OUT -> "not-committed-in-time";
            case OVERLOADED -> "overloaded";
            case STORAGE_FAILED -> "storage-failed";
            case STOPPING -> "stopping";
        };
        return Problems.response(ApiException.unavailable(type, e.getMessage(), RETRY_AFTER));
    }

    @ExceptionHandler(QuotaExceededException.class)
    ResponseEntity<ProblemDetail> quota(QuotaExceededException e) {
        return Problems.response(new ApiException(HttpStatus.INSUFFICIENT_STORAGE, "quota-exceeded", e.getMessage(), null,
                Map.of("storeBytes", e.storeBytes(), "quotaBytes", e.quotaBytes())));
    }

    @ExceptionHandler(CompactedException.class)
    ResponseEntity<ProblemDetail> compacted(CompactedException e) {
        return Problems.response(new ApiException(HttpStatus.GONE, "revision-compacted", e.getMessage(), null,
                Map.of("compactedRevision", e.compactedRevision())));
    }

    @ExceptionHandler(FutureRevisionException.class)
    ResponseEntity<ProblemDetail> future(FutureRevisionException e) {
        return Problems.response(ApiException.badRequest("future-revision", e.getMessage()));
    }

    @ExceptionHandler(MembershipException.class)
    ResponseEntity<ProblemDetail> membership(MembershipException e) {
        return Problems.response(ApiException.conflict("membership-conflict", e.getMessage()));
    }

    @ExceptionHandler(LeaseNotFoundException.class)
    ResponseEntity<ProblemDetail> leaseNotFound(LeaseNotFoundException e) {
        return Problems.response(new ApiException(HttpStatus.NOT_FOUND, "lease-not-found", e.getMessage(), null,
                Map.of("lease", e.id())));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        return Problems.response(ApiException.badRequest("invalid-request", e.getMessage()));
    }
}
