package com.distpatterns.consensus.infra.store;

/** RocksDB refused a write or a checkpoint: the node must stop acknowledging, as with a failed log write. */
public final class StoreFailedException extends RuntimeException {

    public StoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
