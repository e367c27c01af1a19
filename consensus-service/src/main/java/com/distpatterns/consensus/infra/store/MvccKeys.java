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
 * 'k' key                                -> the key's current version: [createRevision][modRevision][version]
 * 'r' rev(8)                             -> the keys written at that revision (for compaction)
 * 'm' name                               -> metadata: applied index, revision, compacted revision, format
 * </pre>
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

    static final byte[] META_APPLIED = meta("applied");
    static final byte[] META_REVISION = meta("revision");
    static final byte[] META_COMPACTED = meta("compacted");
    static final byte[] META_FORMAT = meta("format");
    /** Bumped when the layout changes: a store of another format is refused at start, never misread. */
    static final long FORMAT = 1;

    private MvccKeys() {
    }

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

    static byte[] currentRecord(long createRevision, long modRevision, long version) {
        return ByteBuffer.allocate(24).putLong(createRevision).putLong(modRevision).putLong(version).array();
    }

    /** {@code 'h' esc(key) 00 00 rev}. */
    static byte[] history(byte[] key, long revision) {
        byte[] prefix = keyPrefix(key);
        return ByteBuffer.allocate(prefix.length + 10).put(prefix).put((byte) 0).put((byte) 0).putLong(revision).array();
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
        int length = value == null ? 0 : value.length;
        ByteBuffer out = ByteBuffer.allocate(17 + length).put(kind).putLong(createRevision).putLong(version);
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
