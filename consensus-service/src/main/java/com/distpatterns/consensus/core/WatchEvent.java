package com.distpatterns.consensus.core;

/**
 * One key's change at one revision, as a watcher sees it.
 *
 * @param kv for a put the key as written; for a delete the key with an empty value and the delete's revision
 *     as {@code modRevision}
 * @param prevKv the key as it was before the change, or null when it did not exist or was not asked for
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {

    public enum Type {
        PUT, DELETE
    }
}
