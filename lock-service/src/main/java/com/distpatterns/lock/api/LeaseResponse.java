package com.distpatterns.lock.api;

import com.distpatterns.lock.core.LockLease;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A granted or renewed lease, told only to its holder. */
public record LeaseResponse(
        String name,
        @Schema(description = "The secret that proves ownership: needed to renew and release; keep it private") String leaseId,
        @Schema(description = "Strictly increases with every grant of this lock; pass it to the storage you protect") long fencingToken,
        @Schema(description = "When the lease runs out unless renewed (by Redis' clock)") Instant expiresAt) {

    static LeaseResponse of(LockLease lease) {
        return new LeaseResponse(lease.name(), lease.leaseId().value(), lease.fencingToken().value(),
                lease.expiresAt());
    }
}
