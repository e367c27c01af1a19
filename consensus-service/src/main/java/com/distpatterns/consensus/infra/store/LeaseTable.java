package com.distpatterns.consensus.infra.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.RocksIterator;

/**
 * The leases in the store's key space ({@link MvccKeys}): the table of leases ({@code 'L' id -> ttl}) and which keys
 * live under each ({@code 'A' id key}), read through whatever iterator the caller has (the store's, or a change's
 * batch over it, so a change sees its own writes). Stateless.
 */
final class LeaseTable {

    private LeaseTable() {}

    /** The lease's TTL in seconds, if it exists. */
    static Optional<Long> ttl(RocksIterator it, long id) {
        byte[] key = MvccKeys.lease(id);
        it.seek(key);
        if (it.isValid() && Arrays.equals(it.key(), key)) {
            return Optional.of(ByteBuffer.wrap(it.value()).getLong());
        }
        return Optional.empty();
    }

    /** The keys under the lease, in key order. */
    static List<byte[]> keys(RocksIterator it, long id) {
        byte[] prefix = MvccKeys.leaseKeys(id);
        List<byte[]> keys = new ArrayList<>();
        for (it.seek(prefix); it.isValid() && MvccKeys.startsWith(it.key(), prefix); it.next()) {
            byte[] storageKey = it.key();
            keys.add(Arrays.copyOfRange(storageKey, prefix.length, storageKey.length));
        }
        return keys;
    }

    /** Every lease and its TTL in seconds, in id order. */
    static Map<Long, Long> all(RocksIterator it) {
        Map<Long, Long> leases = new LinkedHashMap<>();
        for (it.seek(new byte[] {MvccKeys.LEASES}); it.isValid() && it.key()[0] == MvccKeys.LEASES; it.next()) {
            leases.put(ByteBuffer.wrap(it.key(), 1, 8).getLong(), ByteBuffer.wrap(it.value()).getLong());
        }
        return leases;
    }

    static List<String> names(List<byte[]> keys) {
        List<String> names = new ArrayList<>(keys.size());
        keys.forEach(k -> names.add(new String(k, StandardCharsets.UTF_8)));
        return names;
    }
}
