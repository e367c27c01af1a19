package com.distpatterns.consensus.core;

import java.util.List;

/**
 * One page of keys, bytewise in order, as of one revision.
 *
 * @param count how many keys match in all
 * @param next the first key of the next page (the cursor), null when this page is the last
 */
public record KvRange(List<KeyValue> kvs, long count, byte[] next) {

    public KvRange {
        kvs = List.copyOf(kvs);
    }
}
