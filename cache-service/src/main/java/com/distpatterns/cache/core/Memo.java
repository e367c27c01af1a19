package com.distpatterns.cache.core;

import java.time.Duration;

/**
 * A memoised result as read from the shared store.
 *
 * @param value the encoded result
 * @param computeTime how long computing it took: the early-refresh decision weighs it
 * @param remaining how long the memo still lives
 */
public record Memo(byte[] value, Duration computeTime, Duration remaining) {}
