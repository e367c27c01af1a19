package com.distpatterns.consensus.infra;

import java.time.Duration;

/**
 * How the driver thread runs the node.
 *
 * @param tick one logical tick of the engine (elections and heartbeats are counted in ticks)
 * @param requestTimeout the longest a client call waits; then it answers 503
 * @param snapshotEvery applied entries between two snapshots of the store
 * @param keepEntries entries kept behind a snapshot, so a follower that lags a little needs no snapshot
 * @param queueCapacity calls and peer frames waiting for the driver, at most; beyond it calls answer 503
 */
public record DriverSettings(Duration tick, Duration requestTimeout, long snapshotEvery, long keepEntries,
                             int queueCapacity) {
}
