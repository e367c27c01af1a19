package com.distpatterns.lock.api;

import com.distpatterns.lock.core.LockStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** What anyone may see about a lock; never the lease id. */
public record LockStatusResponse(
        String name,
        boolean held,
        @Schema(description = "The holder's label, or null when free or unlabelled") String owner,
        @Schema(description = "The holder's token; when free, the last token ever issued (null if never granted)") Long fencingToken,
        @Schema(description = "When the current lease runs out; null when free") Instant expiresAt) {

    static LockStatusResponse of(LockStatus status) {
        return new LockStatusResponse(status.name(), status.held(), status.owner(),
                status.fencingToken() == null ? null : status.fencingToken().value(), status.expiresAt());
    }
}
