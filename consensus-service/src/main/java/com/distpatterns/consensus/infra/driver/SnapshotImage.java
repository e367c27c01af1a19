package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.Snapshot;
import com.distpatterns.consensus.raft.SnapshotMetadata;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a Raft snapshot's data holds: the members' replicated addresses and whether the store has data, as
 * {@code [version 2][count]([id][address])*[store u8]}. The store's data itself is not in it: it is the checkpoint
 * taken at the snapshot's index, downloaded from a peer as files ({@code infra.store.Checkpoints}).
 *
 * <p>Version 1, written before the store moved to disk, carried the whole store in memory after the addresses:
 * {@link #legacyStore()} is true when such a snapshot holds data.
 */
record SnapshotImage(Map<Long, String> addresses, boolean checkpoint, boolean legacyStore) {

    private static final byte VERSION = 2;
    private static final byte LEGACY_VERSION = 1;

    SnapshotImage {
        addresses = Map.copyOf(addresses);
    }

    static SnapshotImage of(Map<Long, String> addresses, boolean checkpoint) {
        return new SnapshotImage(addresses, checkpoint, false);
    }

    /** The founders' membership as a snapshot at index 1, term 1, with their addresses and no store data. */
    static Snapshot founding(Map<Long, PeerAddress> founders) {
        Map<Long, String> addresses = new TreeMap<>();
        founders.forEach((id, address) -> addresses.put(id, address.toString()));
        return new Snapshot(new SnapshotMetadata(1, 1, ConfState.ofVoters(founders.keySet())),
                of(addresses, false).encode());
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(addresses.size());
            for (Map.Entry<Long, String> entry : new TreeMap<>(addresses).entrySet()) {
                out.writeLong(entry.getKey());
                out.writeUTF(entry.getValue());
            }
            out.writeBoolean(checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SnapshotImage decode(byte[] data) {
        if (data.length == 0) {
            return of(Map.of(), false);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION && version != LEGACY_VERSION) {
                throw new IllegalArgumentException("unsupported snapshot image version " + version);
            }
            Map<Long, String> addresses = new TreeMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                addresses.put(in.readLong(), in.readUTF());
            }
            if (version == LEGACY_VERSION) {
                return new SnapshotImage(addresses, false, in.available() > 0);
            }
            return of(addresses, in.readBoolean());
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated snapshot image", e);
        }
    }
}
