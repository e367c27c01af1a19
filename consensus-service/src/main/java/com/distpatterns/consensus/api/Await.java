package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.ConsensusUnavailableException;
import com.distpatterns.consensus.core.InvalidRequestException;
import com.distpatterns.consensus.core.MembershipException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits on the driver's answer. The driver answers every call by its deadline; the margin guards a stuck one. */
final class Await {

    private static final Duration MARGIN = Duration.ofSeconds(2);

    private final Duration limit;

    Await(Duration requestTimeout) {
        this.limit = requestTimeout.plus(MARGIN);
    }

    <T> T result(CompletableFuture<T> future) {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConsensusUnavailableException | e.getCause() instanceof MembershipException
                    | e.getCause() instanceof com.distpatterns.consensus.core.QuotaExceededException
                    | e.getCause() instanceof com.distpatterns.consensus.core.CompactedException
                    | e.getCause() instanceof com.distpatterns.consensus.core.FutureRevisionException
                    | e.getCause() instanceof com.distpatterns.consensus.core.LeaseNotFoundException) {
                throw (RuntimeException) e.getCause();
            }
            if (e.getCause() instanceof InvalidRequestException invalid) {
                throw invalid;
            }
            throw new IllegalStateException("the Raft driver failed a call", e.getCause());
        } catch (TimeoutException e) {
            throw new ConsensusUnavailableException(ConsensusUnavailableException.Reason.TIMED_OUT,
                    "The node did not answer in time; the outcome is unknown.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsensusUnavailableException(ConsensusUnavailableException.Reason.STOPPING,
                    "The node is shutting down.");
        }
    }
}
