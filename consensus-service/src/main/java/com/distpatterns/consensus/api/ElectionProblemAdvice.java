package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.ElectionConflictException;
import com.distpatterns.consensus.core.LeaseNotFoundException;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.Problems;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** What an election refuses: 409 with why; a campaign under a lease that does not exist, 404. */
@RestControllerAdvice(assignableTypes = ElectionController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ElectionProblemAdvice {

    @ExceptionHandler(ElectionConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ElectionConflictException e) {
        String type = switch (e.reason()) {
            case CAMPAIGN_TIMED_OUT -> "campaign-timed-out";
            case CANDIDACY_LOST -> "candidacy-lost";
            case NOT_LEADER -> "not-leader";
        };
        return Problems.response(ApiException.conflict(type, e.getMessage()));
    }

    @ExceptionHandler(LeaseNotFoundException.class)
    ResponseEntity<ProblemDetail> leaseNotFound(LeaseNotFoundException e) {
        return Problems.response(new ApiException(HttpStatus.NOT_FOUND, "lease-not-found", e.getMessage(), null,
                Map.of("lease", e.id())));
    }
}
