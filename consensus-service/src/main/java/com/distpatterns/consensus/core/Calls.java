package com.distpatterns.consensus.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits on the store's answers from code that runs a sequence of calls (the election recipes). */
final class Calls {

    private final Duration limit;

    /** {@code limit}: past the store's own deadline, so that only a stuck store ever hits it. */
    Calls(Duration limit) {
        this.limit = limit;
    }

    <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("a store call failed", e.getCause());
        } catch (TimeoutException e) {
            throw new ConsensusUnavailableException(ConsensusUnavailableException.Reason.TIMED_OUT,
                    "The store did not answer in time; the outcome is unknown.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsensusUnavailableException(ConsensusUnavailableException.Reason.STOPPING,
                    "Interrupted: the node is stopping.");
        }
    }
}
