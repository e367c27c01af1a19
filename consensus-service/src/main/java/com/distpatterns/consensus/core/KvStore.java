package com.distpatterns.consensus.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated key-value state machine: applies committed commands in log order, serves reads, and turns
 * into a snapshot and back. Deterministic: the same commands at the same indices give the same store.
 */
public final class KvStore {

    private static final byte SNAPSHOT_VERSION = 1;

    private final TreeMap<String, Versioned> entries = new TreeMap<>();
    private final ValueEquivalence equivalence;
    private long appliedIndex;

    /** A store whose compare-and-set compares values byte for byte. */
    public KvStore() {
        this(ValueEquivalence.BYTES);
    }

    /** A store whose compare-and-set decides with {@code equivalence} whether the expected value is the current one. */
    public KvStore(ValueEquivalence equivalence) {
        this.equivalence = equivalence;
    }

    /** The index of the last entry applied, or restored from a snapshot. */
    public long appliedIndex() {
        return appliedIndex;
    }

    public Optional<Versioned> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public int size() {
        return entries.size();
    }

    /** Applies the command of the log entry at {@code index}; indices must increase. */
    public KvResult apply(long index, KvCommand command) {
        advanceTo(index);
        return switch (command) {
            case KvCommand.Put put -> {
                String key = put.key();
                entries.put(key, new Versioned(put.value(), index));
                yield new KvResult.Written(key, put.value(), index);
            }
            case KvCommand.Delete delete ->
                new KvResult.Deleted(delete.key(), entries.remove(delete.key()) != null, index);
            case KvCommand.CompareAndSet cas -> {
                String key = cas.key();
                Versioned current = entries.get(key);
                boolean matches = cas.expected() == null ? current == null
                        : current != null && equivalence.same(current.value(), cas.expected());
                if (matches) {
                    entries.put(key, new Versioned(cas.value(), index));
                    yield new KvResult.Swapped(key, true, cas.value(), index);
                }
                yield new KvResult.Swapped(key, false, current == null ? null : current.value(),
                        current == null ? 0 : current.revision());
            }
            // The simulator's model of the state machine is single-key; the service's store is infra.store.MvccStore.
            case KvCommand.Txn txn ->
                throw new IllegalArgumentException("this in-memory store applies single-key commands only");
            case KvCommand.Compact compact ->
                throw new IllegalArgumentException("this in-memory store keeps no history");
            case KvCommand.LeaseGrant grant -> throw new IllegalArgumentException("this in-memory store has no leases");
            case KvCommand.LeaseRevoke revoke ->
                throw new IllegalArgumentException("this in-memory store has no leases");
        };
    }

    /** Records that the log entry at {@code index} carried no command (a leader's first entry, a membership change). */
    public void skip(long index) {
        advanceTo(index);
    }

    private void advanceTo(long index) {
        if (index <= appliedIndex) {
            throw new IllegalArgumentException("entry " + index + " is not after the applied index " + appliedIndex);
        }
        appliedIndex = index;
    }

    /** The whole store as bytes, keys in order, so equal stores give equal snapshots. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(SNAPSHOT_VERSION);
            out.writeLong(appliedIndex);
            out.writeInt(entries.size());
            for (Map.Entry<String, Versioned> entry : entries.entrySet()) {
                byte[] key = entry.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(key.length);
                out.write(key);
                out.writeLong(entry.getValue().revision());
                out.writeInt(entry.getValue().value().length);
                out.write(entry.getValue().value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A store as it was when {@link #snapshot()} wrote {@code data}; empty data gives an empty store. */
    public static KvStore restore(byte[] data) {
        return restore(data, ValueEquivalence.BYTES);
    }

    /** As {@link #restore(byte[])}, with the compare-and-set equivalence of {@link #KvStore(ValueEquivalence)}. */
    public static KvStore restore(byte[] data, ValueEquivalence equivalence) {
        KvStore store = new KvStore(equivalence);
        if (data.length == 0) {
            return store;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readByte() != SNAPSHOT_VERSION) {
                throw new IllegalArgumentException("unsupported snapshot version");
            }
            store.appliedIndex = in.readLong();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String key = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
                long revision = in.readLong();
                byte[] value = in.readNBytes(in.readInt());
                store.entries.put(key, new Versioned(value, revision));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated snapshot", e);
        }
        return store;
    }
}
