package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.InvalidRequestException;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.Lease;
import com.distpatterns.consensus.core.Leases;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.infra.driver.DriverInput.LeaseCall;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Leases as the API calls them: a grant and a revoke are log entries, written as any command is; a keepalive and a
 * read go to the leader's deadlines ({@link LeaseCalls}). Called from any thread; touches nothing of the driver's.
 */
final class DriverLeases implements Leases {

    static final long MIN_TTL_SECONDS = 5;
    static final long MAX_TTL_SECONDS = 3600;

    private final RaftDriver driver;

    DriverLeases(RaftDriver driver) {
        this.driver = driver;
    }

    @Override
    public CompletableFuture<Lease> grant(long ttlSeconds) {
        if (ttlSeconds < MIN_TTL_SECONDS || ttlSeconds > MAX_TTL_SECONDS) {
            return CompletableFuture.failedFuture(new InvalidRequestException(
                    "ttlSeconds must be " + MIN_TTL_SECONDS + ".." + MAX_TTL_SECONDS + ", got " + ttlSeconds));
        }
        return driver.write(new KvCommand.LeaseGrant(ttlSeconds)).thenApply(applied -> {
            Outcome.LeaseGranted granted = (Outcome.LeaseGranted) applied.outcome();
            return new Lease(granted.id(), granted.ttlSeconds(), granted.ttlSeconds(), List.of());
        });
    }

    @Override
    public CompletableFuture<Lease> keepAlive(long id) {
        return call(id, true);
    }

    @Override
    public CompletableFuture<Lease> get(long id) {
        return call(id, false);
    }

    @Override
    public CompletableFuture<Long> revoke(long id) {
        // A missing lease fails the write with LeaseNotFoundException (PendingWrites).
        return driver.write(new KvCommand.LeaseRevoke(id, 0)).thenApply(applied -> applied.outcome().revision());
    }

    private CompletableFuture<Lease> call(long id, boolean keepAlive) {
        CompletableFuture<Lease> result = new CompletableFuture<>();
        driver.call(new LeaseCall(id, keepAlive, result, driver.deadline()));
        return result;
    }
}
