package com.distpatterns.task.core;

import java.math.BigInteger;

/** Exact factorials: the article's {@code calculate_factorial}, without its recursion depth limit. */
public final class Factorials {

    private Factorials() {}

    public static BigInteger of(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, not " + n);
        }
        return product(1, n);
    }

    /** The product of lo..hi, split in halves so the multiplications stay balanced in size. */
    private static BigInteger product(int lo, int hi) {
        if (lo > hi) {
            return BigInteger.ONE;
        }
        if (hi - lo < 8) {
            BigInteger result = BigInteger.valueOf(lo);
            for (int i = lo + 1; i <= hi; i++) {
                result = result.multiply(BigInteger.valueOf(i));
            }
            return result;
        }
        int mid = (lo + hi) >>> 1;
        return product(lo, mid).multiply(product(mid + 1, hi));
    }
}
