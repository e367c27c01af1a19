package com.distpatterns.task.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: retry k waits about {@code initialDelay * multiplier^(k-1)}, capped at
 * {@code maxDelay}, each wait spread by +/- {@code jitter} so that tasks failing together do not return together.
 * The distinct base delays are the levels; the broker holds one delay queue per level.
 */
public record RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {

  /** A wait before one retry: which level's queue holds the message and for how long exactly. */
  public record RetryDelay(int level, Duration delay) {}

  public RetryPolicy {
    if (initialDelay == null || initialDelay.toMillis() < 1) {
      throw new IllegalArgumentException("initialDelay must be at least 1 ms");
    }
    if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay must be at least initialDelay");
    }
    if (!(multiplier >= 1.0) || multiplier > 10) {
      throw new IllegalArgumentException("multiplier must be from 1 to 10");
    }
    if (!(jitter >= 0) || jitter > 0.5) {
      throw new IllegalArgumentException("jitter must be from 0 to 0.5");
    }
  }

  /** The base delay of each level, growing until the cap (the cap itself is the last level). */
  public List<Duration> levels() {
    List<Duration> levels = new ArrayList<>();
    double millis = initialDelay.toMillis();
    while (millis < maxDelay.toMillis() && levels.size() < 32) {
      levels.add(Duration.ofMillis(Math.round(millis)));
      if (multiplier == 1.0) {
        return levels;
      }
      millis *= multiplier;
    }
    levels.add(maxDelay);
    return levels;
  }

  /** The longest a message may wait at a level: its base plus the whole jitter. */
  public Duration ceiling(int level) {
    return Duration.ofMillis((long) Math.ceil(levels().get(level).toMillis() * (1 + jitter)));
  }

  /**
   * @param retry 1 for the first retry (after the first failed attempt)
   */
  public RetryDelay delayBefore(int retry, RandomGenerator random) {
    List<Duration> levels = levels();
    int level = Math.min(Math.max(retry, 1) - 1, levels.size() - 1);
    double spread = jitter == 0 ? 1 : 1 + jitter * (2 * random.nextDouble() - 1);
    long millis = Math.max(1, Math.round(levels.get(level).toMillis() * spread));
    return new RetryDelay(level, Duration.ofMillis(millis));
  }

  /**
   * The level whose queue can hold a wait of {@code delay} (the first whose ceiling reaches it), for a backoff that
   * is not this policy's own (a registered type's); a longer wait is cut to the last level's ceiling.
   */
  public RetryDelay holding(Duration delay) {
    List<Duration> levels = levels();
    for (int level = 0; level < levels.size(); level++) {
      if (ceiling(level).compareTo(delay) >= 0) {
        return new RetryDelay(level, delay);
      }
    }
    return new RetryDelay(levels.size() - 1, ceiling(levels.size() - 1));
  }
}
