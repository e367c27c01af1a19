package com.distpatterns.consensus.infra.wal;

/**
 * The disk refused a write or an fsync. After it nothing written since the last good fsync may be trusted, so
 * the log stays failed until the process restarts and recovers from what is really on disk.
 */
public final class StorageFailedException extends RuntimeException {

    public StorageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
