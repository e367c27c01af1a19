package com.distpatterns.cache.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigInteger;

/**
 * The result of the article's {@code expensive_computation(n)}.
 *
 * @param n the argument
 * @param result {@code n * n}
 * @param cached whether this instance was read back from the shared cache rather than computed by this call
 */
public record Square(long n, BigInteger result, @JsonIgnore boolean cached) {

    /** A Square is stored without its flag, and anything read back from the store was, by definition, cached. */
    @JsonCreator
    static Square readBack(@JsonProperty("n") long n, @JsonProperty("result") BigInteger result) {
        return new Square(n, result, true);
    }
}
