package com.distpatterns.lock.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/** Body of an acquire; every field may be left out. */
public record AcquireRequest(
        @Schema(description = "Lease length in ms (100..3600000); the service default (10000) when absent",
                example = "10000") @Min(value = LockLimits.MIN_TTL_MS, message = LockLimits.TTL_MESSAGE) @Max(
                        value = LockLimits.MAX_TTL_MS, message = LockLimits.TTL_MESSAGE) Long ttlMs,
        @Schema(description = "How long to wait in ms (0..60000) behind the holder and earlier waiters; 0 when absent",
                example = "0") @Min(value = 0, message = LockLimits.WAIT_MESSAGE) @Max(value = LockLimits.MAX_WAIT_MS,
                        message = LockLimits.WAIT_MESSAGE) Long waitMs,
        @Schema(description = "A free label shown in the lock's status (up to 256 characters)",
                example = "billing-job-7") @Size(max = LockLimits.MAX_OWNER_LENGTH,
                        message = "must be at most 256 characters") String owner) {

    static final AcquireRequest DEFAULTS = new AcquireRequest(null, null, null);
}
