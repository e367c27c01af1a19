package com.distpatterns.consensus.infra.store;

/**
 * Which changes to read from the history: revisions {@code [from, to]}, of key {@code key} (every key starting with
 * it when {@code prefix}; every key when {@code key} is null), with each key's previous version when {@code prevKv},
 * stopping after the revision that brings the events read to {@code maxEvents} (a revision is never split).
 */
public record ChangeQuery(long from, long to, String key, boolean prefix, boolean prevKv, int maxEvents) {

    /** Every change of every key, with previous versions: what the watch hub fans out. */
    public static ChangeQuery everything(long from, long to, int maxEvents) {
        return new ChangeQuery(from, to, null, true, true, maxEvents);
    }

    public boolean matches(String k) {
        return key == null || (prefix ? k.startsWith(key) : k.equals(key));
    }
}
