package com.distpatterns.consensus.core;

import java.time.Duration;

/**
 * One watcher's stream of changes. Its buffer is bounded: a reader that falls behind gets
 * {@link WatchMessage.Lagging} and the watch ends; {@link WatchMessage.Compacted} ends it too.
 */
public interface Watch extends AutoCloseable {

    /** The next message, waiting up to {@code timeout}; null when none came in that time. */
    WatchMessage next(Duration timeout) throws InterruptedException;

    /** Stops the watch and frees its buffer; idempotent. */
    @Override
    void close();
}
