package com.distpatterns.cache.core;

import java.time.Duration;

/** Tells waiting callers, on every instance, that a memo they wait for has landed (or that its computation gave up). */
public interface FillNotices {

    /** Starts listening for one key; call before the last re-check so that no notice falls between the two. */
    FillWait expect(String key);

    void announce(String key);

    /** One caller's wait for one key. */
    interface FillWait extends AutoCloseable {

        /** Answers true when woken by a notice, false when {@code timeout} ran out first. */
        boolean await(Duration timeout) throws InterruptedException;

        @Override
        void close();
    }
}
