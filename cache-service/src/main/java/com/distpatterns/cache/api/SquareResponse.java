package com.distpatterns.cache.api;

import java.math.BigInteger;

/**
 * The answer of {@code expensive_computation(n)}.
 *
 * @param cached true only when the result was read from Redis rather than computed for this request
 */
public record SquareResponse(long n, BigInteger result, boolean cached) {}
