package com.distpatterns.consensus.core;

/** A write would take the store past its quota on disk; reads, deletes and compaction still work. */
public final class QuotaExceededException extends RuntimeException {

    private final long storeBytes;
    private final long quotaBytes;

    public QuotaExceededException(long storeBytes, long quotaBytes) {
        super("The store holds " + storeBytes + " bytes on disk and its quota (consensus.quota-bytes) is " + quotaBytes
                + " bytes: this write is refused. Delete keys or compact the history (POST /api/kv/compact), or raise "
                + "the quota on every node.", null, false, false);
        this.storeBytes = storeBytes;
        this.quotaBytes = quotaBytes;
    }

    public long storeBytes() {
        return storeBytes;
    }

    public long quotaBytes() {
        return quotaBytes;
    }
}
