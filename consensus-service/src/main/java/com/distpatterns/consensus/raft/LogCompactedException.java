package com.distpatterns.consensus.raft;

/** The requested index lies in the prefix of the log that a snapshot has replaced. */
public final class LogCompactedException extends RuntimeException {

    public LogCompactedException(long index, long firstIndex) {
        super("index " + index + " is compacted; the log starts at " + firstIndex);
    }
}
