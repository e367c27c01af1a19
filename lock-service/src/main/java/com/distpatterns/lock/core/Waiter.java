package com.distpatterns.lock.core;

import java.time.Duration;

/**
 * A waiting request as the store sees it: its place in the queue and how long its presence lasts without a
 * refresh, so that a waiter whose instance died is skipped instead of blocking those behind it.
 */
public record Waiter(WaiterId id, String instanceId, Duration presenceTtl) {}
