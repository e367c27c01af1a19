package com.distpatterns.task.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: retry k waits about {@code initialDelay * multiplier^(k-1)}, capped at
 * {@code maxDelay}, each wait spread by +/- {@code jitter} so that tasks failing together do not return together.
 * The distinct base delays are the levels; the broker holds one delay queue per queue level ({@link #queueLevels}).
 */
public record RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {

    /** Queue levels below the first: halvings of it down to about this, for registered types' shorter backoffs. */
    private static final long SHORTEST_QUEUE_MS = 100;

    /** A wait before one retry: the base delay of the queue level that holds the message, and for how long exactly. */
    public record RetryDelay(Duration queue, Duration delay) {}

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

    /**
     * The levels the broker has a delay queue for: {@link #levels()}, and below the first its halvings down to about
     * 100 ms. A message waits its own delay (its expiration) but is expired only at the head of its queue, so a longer
     * wait ahead of it can hold it up to its queue's ceiling. With a queue level at every doubling, the queue holding a
     * delay has a ceiling of at most twice that delay (or 150 ms): a registered type's 300 ms backoff is not kept for
     * the 1 s level's 1.2 s.
     */
    public List<Duration> queueLevels() {
        List<Duration> shorter = new ArrayList<>();
        for (long millis = initialDelay.toMillis() / 2; millis >= SHORTEST_QUEUE_MS * 1.2; millis /= 2) {
            shorter.addFirst(Duration.ofMillis(millis));
        }
        List<Duration> all = new ArrayList<>(shorter);
        all.addAll(levels());
        return all;
    }

    /** The longest a message may wait in a queue level: its base plus the whole jitter. */
    public Duration ceiling(Duration queue) {
        return Duration.ofMillis((long) Math.ceil(queue.toMillis() * (1 + jitter)));
    }

    /**
     * @param retry 1 for the first retry (after the first failed attempt)
     */
    public RetryDelay delayBefore(int retry, RandomGenerator random) {
        List<Duration> levels = levels();
        int level = Math.min(Math.max(retry, 1) - 1, levels.size() - 1);
        double spread = jitter == 0 ? 1 : 1 + jitter * (2 * random.nextDouble() - 1);
        long millis = Math.max(1, Math.round(levels.get(level).toMillis() * spread));
        return new RetryDelay(levels.get(level), Duration.ofMillis(millis));
    }

    /**
     * The level whose queue can hold a wait of {@code delay} (the first whose ceiling reaches it), for a backoff that
     * is not this policy's own (a registered type's); a longer wait is cut to the last level's ceiling.
     */
    public RetryDelay holding(Duration delay) {
        List<Duration> queues = queueLevels();
        for (Duration queue : queues) {
            if (ceiling(queue).compareTo(delay) >= 0) {
                return new RetryDelay(queue, delay);
            }
        }
        Duration last = queues.getLast();
        return new RetryDelay(last, ceiling(last));
    }
}
