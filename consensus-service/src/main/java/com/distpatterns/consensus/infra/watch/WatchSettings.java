package com.distpatterns.consensus.infra.watch;

import java.time.Duration;

/**
 * How watches are served.
 *
 * @param bufferEvents events one watcher may have waiting for its reader; one more and it is ended with
 *     {@code Lagging} (a single revision with more changes is still taken whole into an empty buffer)
 * @param progressInterval silence after which a watcher is told the revision it is up to date with
 */
public record WatchSettings(int bufferEvents, Duration progressInterval) {

    public WatchSettings {
        if (bufferEvents < 1) {
            throw new IllegalArgumentException("a watcher's buffer holds at least one event, not " + bufferEvents);
        }
        if (progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("the progress interval is positive, not " + progressInterval);
        }
    }
}
