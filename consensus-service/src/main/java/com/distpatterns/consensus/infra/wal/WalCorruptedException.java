package com.distpatterns.consensus.infra.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The write-ahead log is damaged where records were already fsynced and acted on: not a torn last write, which
 * recovery drops by itself. The node must not start from it (it could vote twice in a term or lose entries it
 * acknowledged); docs/consensus.md says how to bring it back.
 */
public final class WalCorruptedException extends IOException {

    WalCorruptedException(Path segment, int offset, String reason, boolean olderSegment) {
        super("write-ahead log damaged at " + segment + " offset " + offset + " (" + reason + "), "
                + (olderSegment ? "in a segment that later segments follow" : "in a batch that later batches follow")
                + ": these records were fsynced, so this is not a torn last write. Refusing to start; remove this "
                + "member from the cluster, empty its data directory and add it again (docs/consensus.md)");
    }
}
