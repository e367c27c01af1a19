package com.distpatterns.cache.core;

import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cache.annotation.Cacheable;

/** The article's {@code expensive_computation}, memoised in the shared cache {@value #CACHE}. */
public class SquareComputation {

    public static final String CACHE = "square";

    private final Duration work;
    private final AtomicLong computations = new AtomicLong();

    /** @param work how long one computation takes: the article's {@code time.sleep(2)} */
    public SquareComputation(Duration work) {
        this.work = work;
    }

    /** Computes {@code n * n} slowly; {@code sync} hands concurrent callers to the cache's single flight. */
    @Cacheable(cacheNames = CACHE, sync = true)
    public Square square(long n) throws InterruptedException {
        computations.incrementAndGet();
        Thread.sleep(work);
        BigInteger value = BigInteger.valueOf(n);
        return new Square(n, value.multiply(value), false);
    }

    /** How many times this instance really computed. */
    public long computations() {
        return computations.get();
    }
}
