package com.distpatterns.consensus.core;

/** A read at a revision whose history was compacted away. */
public final class CompactedException extends RuntimeException {

    private final long compactedRevision;

    public CompactedException(long requested, long compactedRevision) {
        super("Revision " + requested + " is compacted: history before revision " + compactedRevision
                + " is gone. Read at " + compactedRevision + " or later, or without a revision.", null, false, false);
        this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
        return compactedRevision;
    }
}
