package com.distpatterns.consensus.infra.driver;

import java.time.Duration;

/**
 * Automatic compaction: keep the last {@code retainRevisions} revisions and what the last {@code retainTime}
 * wrote; 0 turns each off.
 */
public record AutoCompaction(long retainRevisions, Duration retainTime) {

    public static final AutoCompaction OFF = new AutoCompaction(0, Duration.ZERO);

    public boolean off() {
        return retainRevisions <= 0 && retainTime.isZero();
    }
}
