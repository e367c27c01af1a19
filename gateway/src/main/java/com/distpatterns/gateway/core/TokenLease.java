package com.distpatterns.gateway.core;

import java.time.Duration;

/**
 * What the shared bucket gave one replica for one client.
 *
 * @param granted tokens now this replica's to spend (zero when the shared bucket is empty)
 * @param remaining whole tokens left in the shared bucket after the grant
 * @param retryAfter how long until the shared bucket holds a whole token again (zero when it still does)
 * @param resetAfter how long until the shared bucket is full again
 */
public record TokenLease(int granted, long remaining, Duration retryAfter, Duration resetAfter) {}
