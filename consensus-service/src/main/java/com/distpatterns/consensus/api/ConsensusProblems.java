package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.CompactedException;
import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.ElectionConflictException;
import com.distpatterns.consensus.core.FutureRevisionException;
import com.distpatterns.consensus.core.InvalidRequestException;
import com.distpatterns.consensus.core.LeaseNotFoundException;
import com.distpatterns.consensus.core.MembershipException;
import com.distpatterns.consensus.core.QuotaExceededException;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.ExceptionProblems;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/**
 * What the store's exceptions mean to a caller, read by the platform's one problem advice: what the cluster could
 * not do is 503 with Retry-After, a revision compacted away 410, a full store 507, an impossible membership change
 * or a refused election step 409, a lease that does not exist 404, a request refused as it stands 400.
 */
@Configuration(proxyBeanMethods = false)
class ConsensusProblems {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    @Bean
    ExceptionProblems consensusExceptionProblems() {
        return ExceptionProblems.service()
                .on(ConsensusUnavailableException.class,
                        e -> ApiException.unavailable(type(e.reason()), e.getMessage(), RETRY_AFTER))
                .on(QuotaExceededException.class,
                        e -> new ApiException(HttpStatus.INSUFFICIENT_STORAGE, "quota-exceeded",
                                e.getMessage(), null,
                                Map.of("storeBytes", e.storeBytes(), "quotaBytes", e.quotaBytes())))
                .on(CompactedException.class,
                        e -> new ApiException(HttpStatus.GONE, "revision-compacted", e.getMessage(),
                                null, Map.of("compactedRevision", e.compactedRevision())))
                .on(FutureRevisionException.class, e -> ApiException.badRequest("future-revision", e.getMessage()))
                .on(MembershipException.class, e -> ApiException.conflict("membership-conflict", e.getMessage()))
                .on(LeaseNotFoundException.class, e -> new ApiException(HttpStatus.NOT_FOUND, "lease-not-found",
                        e.getMessage(), null, Map.of("lease", e.id())))
                .on(ElectionConflictException.class, e -> ApiException.conflict(type(e.reason()), e.getMessage()))
                .on(InvalidRequestException.class, e -> ApiException.badRequest("invalid-request", e.getMessage()))
                .build();
    }

    private static String type(ConsensusUnavailableException.Reason reason) {
        return switch (reason) {
            case NO_LEADER -> "no-leader";
            case TIMED_OUT -> "not-committed-in-time";
            case OVERLOADED -> "overloaded";
            case STORAGE_FAILED -> "storage-failed";
            case STOPPING -> "stopping";
        };
    }

    private static String type(ElectionConflictException.Reason reason) {
        return switch (reason) {
            case CAMPAIGN_TIMED_OUT -> "campaign-timed-out";
            case CANDIDACY_LOST -> "candidacy-lost";
            case NOT_LEADER -> "not-leader";
        };
    }
}
