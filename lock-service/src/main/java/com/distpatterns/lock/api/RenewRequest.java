package com.distpatterns.lock.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of a renew. */
public record RenewRequest(
        @Schema(description = "The leaseId the acquire returned",
                requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank(
                        message = "is required: the leaseId the acquire returned") @Size(
                                max = LockLimits.MAX_LEASE_ID_LENGTH,
                                message = "is not a lease id (too long)") String leaseId,
        @Schema(description = "New lease length in ms from now (100..3600000); the lease's current length when absent",
                example = "10000") @Min(value = LockLimits.MIN_TTL_MS, message = LockLimits.TTL_MESSAGE) @Max(
                        value = LockLimits.MAX_TTL_MS, message = LockLimits.TTL_MESSAGE) Long ttlMs) {}
