package com.distpatterns.lock.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of a release. */
public record ReleaseRequest(
        @Schema(description = "The leaseId the acquire returned",
                requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank(
                        message = "is required: the leaseId the acquire returned") @Size(
                                max = LockLimits.MAX_LEASE_ID_LENGTH,
                                message = "is not a lease id (too long)") String leaseId) {}
