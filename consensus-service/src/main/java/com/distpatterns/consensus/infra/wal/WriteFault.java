package com.distpatterns.consensus.infra.wal;

import java.io.IOException;

/** A failure the log's writes run into before they reach the disk: none in production, a full disk in fault tests. */
@FunctionalInterface
public interface WriteFault {

    /** Never fails. */
    WriteFault NONE = () -> {
    };

    void beforeWrite() throws IOException;
}
