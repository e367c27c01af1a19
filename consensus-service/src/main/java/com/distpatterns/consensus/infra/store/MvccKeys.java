package com.distpatterns.consensus.infra.store;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How the store lays its data out in RocksDB's one sorted key space, as etcd's mvcc does over bbolt with a
 * revision-keyed history:
 * <pre>
 * 'h' esc(key) 00 00 rev(8, big-endian)  -> [kind u8: 1 put, 2 tombstone][createRevision u64][version u64][value]
 *                                           or [3: put under a lease][createRevision][version][lease u64][value]
 * 'k' key                                -> the key's current version: [createRevision][modRevision][version]
 *                                           and [lease] when it lives under one
 * 'r' rev(8)                             -> the keys written at that revision (for compaction)
 * 'L' id(8)                              -> a lease: [ttlSeconds u64]
 * 'A' id(8) key                          -> (empty) the key lives under the lease
 * 'm' name                               -> metadata: applied index, revision, compacted revision, format
 * </pre>
 * Records without a lease keep the layout of before leases (kind 1, 24-byte current record), so a store written
 * before them reads the same and the format number did not change.
 * A key's bytes are escaped (00 -> 00 01) and ended with 00 00, so a key's history sorts as one run, keys sort
 * bytewise, and the newest version at or before a revision is one seek back from {@code h key 00 00 rev}. The
 * current versions ('k', etcd's in-memory key index, on disk) make the common reads and every write point lookups.
 */
final class MvccKeys {

    static final byte HISTORY = 'h';
    static final byte CURRENT = 'k';
    static final byte REVISIONS = 'r';
    static final byte META = 'm';
    static final byte PUT = 1;
    static final byte TOMBSTONE = 2;
    static final byte PUT_LEASED = 3;
    static final byte LEASES = 'L';
    static final byte LEASE_KEYS = 'A';

    static final byte[] META_APPLIED = meta("applied");
    static final byte[] META_REVISION = meta("revision");
    static final byte[] META_COMPACTED = meta("compacted");
    static final byte[] META_FORMAT = meta("format");
    /** Bumped when the layout changes: a store of another format is refused at start, never misread. */
    static final long FORMAT = 1;

    private MvccKeys() {}

    private static byte[] meta(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[n.length + 1];
        out[0] = META;
        System.arraycopy(n, 0, out, 1, n.length);
        return out;
    }

    /** {@code 'h' esc(key)}: the start of the key's run, and of every key it prefixes. */
    static byte[] keyPrefix(byte[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length + 12);
        out.write(HISTORY);
        for (byte b : key) {
            out.write(b);
            if (b == 0) {
                out.write(1);
            }
        }
        return out.toByteArray();
    }

    /** {@code 'k' key}. */
    static byte[] current(byte[] key) {
        byte[] out = new byte[key.length + 1];
        out[0] = CURRENT;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }

    static byte[] currentRecord(long createRevision, long modRevision, long version, long lease) {
        ByteBuffer out = ByteBuffer.allocate(lease == 0 ? 24 : 32).putLong(createRevision).putLong(modRevision)
                .putLong(version);
        if (lease != 0) {
            out.putLong(lease);
        }
        return out.array();
    }

    /** The lease a current record names, 0 for none. */
    static long leaseOfCurrent(byte[] current) {
        return current.length >= 32 ? ByteBuffer.wrap(current, 24, 8).getLong() : 0;
    }

    /** Whether a history record is a put (with or without a lease), not a tombstone. */
    static boolean live(byte[] record) {
        return record[0] == PUT || record[0] == PUT_LEASED;
    }

    /** The value a history record holds. */
    static byte[] valueOf(byte[] record) {
        return Arrays.copyOfRange(record, record[0] == PUT_LEASED ? 25 : 17, record.length);
    }

    /** The lease a history record names, 0 for none. */
    static long leaseOfRecord(byte[] record) {
        return record[0] == PUT_LEASED ? ByteBuffer.wrap(record, 17, 8).getLong() : 0;
    }

    /** {@code 'L' id}. */
    static byte[] lease(long id) {
        return ByteBuffer.allocate(9).put(LEASES).putLong(id).array();
    }

    /** {@code 'A' id}: every key under the lease starts with it. */
    static byte[] leaseKeys(long id) {
        return ByteBuffer.allocate(9).put(LEASE_KEYS).putLong(id).array();
    }

    /** {@code 'A' id key}. */
    static byte[] leaseKey(long id, byte[] key) {
        return ByteBuffer.allocate(9 + key.length).put(LEASE_KEYS).putLong(id).put(key).array();
    }

    /** {@code 'h' esc(key) 00 00 rev}. */
    static byte[] history(byte[] key, long revision) {
        byte[] prefix = keyPrefix(key);
        return ByteBuffer.allocate(prefix.length + 10).put(prefix).put((byte) 0).put((byte) 0).putLong(revision)
                .array();
    }

    /** {@code 'h' esc(key) 00 00}: every version of exactly this key starts with it. */
    static byte[] historyRun(byte[] key) {
        byte[] prefix = keyPrefix(key);
        byte[] out = Arrays.copyOf(prefix, prefix.length + 2);
        return out;
    }

    /** The first storage key after every version of {@code key} (and before any greater key): {@code h esc(key) 00 01}. */
    static byte[] afterKey(byte[] key) {
        byte[] prefix = keyPrefix(key);
        byte[] out = Arrays.copyOf(prefix, prefix.length + 2);
        out[out.length - 1] = 1;
        return out;
    }

    /** The user key of a history storage key. */
    static byte[] userKey(byte[] storageKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(storageKey.length);
        // The escaped key lies between the leading 'h' and the 00 00 + 8 revision bytes at the end.
        for (int i = 1; i < storageKey.length - 10; i++) {
            out.write(storageKey[i]);
            if (storageKey[i] == 0) {
                i++; // 00 01 stands for 00
            }
        }
        return out.toByteArray();
    }

    static long revisionOf(byte[] historyKey) {
        return ByteBuffer.wrap(historyKey, historyKey.length - 8, 8).getLong();
    }

    static byte[] revisionKey(long revision) {
        return ByteBuffer.allocate(9).put(REVISIONS).putLong(revision).array();
    }

    static byte[] record(byte kind, long createRevision, long version, byte[] value) {
        return record(kind, createRevision, version, 0, value);
    }

    /** A put's record under {@code lease} (0: none, kind {@link #PUT}), or a tombstone's. */
    static byte[] record(byte kind, long createRevision, long version, long lease, byte[] value) {
        int length = value == null ? 0 : value.length;
        boolean leased = kind == PUT && lease != 0;
        ByteBuffer out = ByteBuffer.allocate((leased ? 25 : 17) + length).put(leased ? PUT_LEASED : kind)
                .putLong(createRevision).putLong(version);
        if (leased) {
            out.putLong(lease);
        }
        if (value != null) {
            out.put(value);
        }
        return out.array();
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long readLong(byte[] bytes) {
        return bytes == null ? 0 : ByteBuffer.wrap(bytes).getLong();
    }

    /** Whether {@code bytes} starts with {@code prefix}. */
    static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Whether a storage key is one version of exactly {@code run}'s key ({@link #historyRun}). */
    static boolean inRun(byte[] storageKey, byte[] run) {
        return storageKey.length == run.length + 8 && startsWith(storageKey, run);
    }
}
