package com.distpatterns.consensus.infra.driver;

import java.time.Duration;

/**
 * How the driver thread runs the node.
 *
 * @param tick one logical tick of the engine (elections and heartbeats are counted in ticks)
 * @param requestTimeout the longest a client call waits; then it answers 503
 * @param snapshotEvery applied entries between two snapshots of the store
 * @param keepEntries entries kept behind a snapshot, so a follower that lags a little needs no snapshot
 * @param queueCapacity calls and peer frames waiting for the driver, at most; beyond it calls answer 503
 * @param snapshotEveryBytes applied entries' bytes between two snapshots: bounds the log kept in memory
 * @param keepBytes entries' bytes kept behind a snapshot, at most
 * @param maxPendingBytes commands' bytes accepted and not yet answered, at most; beyond it calls answer 503
 * @param quotaBytes the store's size on disk beyond which writes that add data are refused (507)
 * @param autoCompaction how much history the leader keeps when it compacts by itself
 */
public record DriverSettings(Duration tick, Duration requestTimeout, long snapshotEvery, long keepEntries,
        int queueCapacity, long snapshotEveryBytes, long keepBytes, long maxPendingBytes,
        long quotaBytes, AutoCompaction autoCompaction) {

    /** The limits of before the store moved to disk, for callers that set only those; no automatic compaction. */
    public DriverSettings(Duration tick, Duration requestTimeout, long snapshotEvery, long keepEntries,
            int queueCapacity) {
        this(tick, requestTimeout, snapshotEvery, keepEntries, queueCapacity, 64L << 20, 32L << 20, 64L << 20, 8L << 30,
                AutoCompaction.OFF);
    }
}
