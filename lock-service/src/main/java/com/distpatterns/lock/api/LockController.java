package com.distpatterns.lock.api;

import com.distpatterns.lock.core.LeaseId;
import com.distpatterns.lock.core.LockService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Distributed locks: leases with fencing tokens, renewed and released only by their holder. */
@RestController
@RequestMapping("/api/locks")
@Validated
@Tag(name = "Locks", description = "Leases with fencing tokens, safe release, renewal and fair waiting")
class LockController {

    private final LockService locks;

    LockController(LockService locks) {
        this.locks = locks;
    }

    @PostMapping("/{name}/acquire")
    @Operation(
            summary = "Take the lock, waiting up to waitMs behind the holder and earlier waiters (first come, first served)")
    @ApiResponse(responseCode = "200",
            description = "Granted: keep the leaseId secret, send the fencingToken to your storage")
    @ApiResponse(responseCode = "409", description = "Still held by another lease after waitMs")
    @ApiResponse(responseCode = "400", description = "A name, ttlMs, waitMs or owner outside the limits")
    @ApiResponse(responseCode = "503", description = "Redis is unreachable; nothing was granted")
    LeaseResponse acquire(
            @PathVariable @Pattern(regexp = LockLimits.NAME_PATTERN, message = LockLimits.NAME_MESSAGE) String name,
            @RequestBody(required = false) @Valid AcquireRequest request) {
        AcquireRequest body = request == null ? AcquireRequest.DEFAULTS : request;
        Duration ttl = body.ttlMs() == null ? null : Duration.ofMillis(body.ttlMs());
        Duration wait = body.waitMs() == null ? Duration.ZERO : Duration.ofMillis(body.waitMs());
        return LeaseResponse.of(locks.acquire(name, ttl, wait, body.owner()));
    }

    @PostMapping("/{name}/renew")
    @Operation(summary = "Extend the holder's lease to ttlMs from now")
    @ApiResponse(responseCode = "200", description = "Renewed; same leaseId and fencingToken, new expiresAt")
    @ApiResponse(responseCode = "409", description = "That lease no longer holds the lock; nothing was changed")
    LeaseResponse renew(
            @PathVariable @Pattern(regexp = LockLimits.NAME_PATTERN, message = LockLimits.NAME_MESSAGE) String name,
            @RequestBody @Valid RenewRequest request) {
        Duration ttl = request.ttlMs() == null ? null : Duration.ofMillis(request.ttlMs());
        return LeaseResponse.of(locks.renew(name, new LeaseId(request.leaseId()), ttl));
    }

    @PostMapping("/{name}/release")
    @Operation(summary = "Release the lock, only by its holder; the next waiter is woken")
    @ApiResponse(responseCode = "204", description = "Released")
    @ApiResponse(responseCode = "409", description = "That lease does not hold the lock; nothing was deleted")
    ResponseEntity<Void> release(
            @PathVariable @Pattern(regexp = LockLimits.NAME_PATTERN, message = LockLimits.NAME_MESSAGE) String name,
            @RequestBody @Valid ReleaseRequest request) {
        locks.release(name, new LeaseId(request.leaseId()));
        return ResponseEntity.noContent().build();
    }

    @GetMapping
    @Operation(summary = "The locks held now, in name order, a page at a time; never a leaseId")
    @ApiResponse(responseCode = "200", description = "A page; follow next until it is null")
    @ApiResponse(responseCode = "400", description = "A prefix, limit or cursor outside the limits")
    HeldLocksResponse held(
            @Parameter(description = "Only names starting with this") @RequestParam(defaultValue = "") @Pattern(
                    regexp = LockLimits.PREFIX_PATTERN, message = LockLimits.PREFIX_MESSAGE) String prefix,
            @Parameter(description = "1..500 (100)") @RequestParam(
                    defaultValue = "100") @Min(1) @Max(LockLimits.MAX_PAGE) int limit,
            @Parameter(description = "The next of the page before") @RequestParam(required = false) @Pattern(
                    regexp = LockLimits.PREFIX_PATTERN,
                    message = "cursor is not one this service gave") String cursor) {
        return HeldLocksResponse.of(locks.held(prefix, cursor == null || cursor.isEmpty() ? null : cursor, limit),
                Instant.now());
    }

    @GetMapping("/{name}")
    @Operation(
            summary = "Whether the lock is held, by which owner label, with which token, until when; never the leaseId")
    LockStatusResponse status(
            @Parameter(description = "The lock's name") @PathVariable @Pattern(regexp = LockLimits.NAME_PATTERN,
                    message = LockLimits.NAME_MESSAGE) String name) {
        return LockStatusResponse.of(locks.status(name));
    }
}
