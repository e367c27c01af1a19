package com.distpatterns.consensus.infra;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a snapshot of the service holds: the members' replicated addresses and the key-value store's image,
 * as {@code [version][count]([id][address])*[store image]}.
 */
record SnapshotImage(Map<Long, String> addresses, byte[] store) {

    private static final byte VERSION = 1;

    SnapshotImage {
        addresses = Map.copyOf(addresses);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(store.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(addresses.size());
            for (Map.Entry<Long, String> entry : new TreeMap<>(addresses).entrySet()) {
                out.writeLong(entry.getKey());
                out.writeUTF(entry.getValue());
            }
            out.write(store);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SnapshotImage decode(byte[] data) {
        if (data.length == 0) {
            return new SnapshotImage(Map.of(), new byte[0]);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readByte() != VERSION) {
                throw new IllegalArgumentException("unsupported snapshot image version");
            }
            Map<Long, String> addresses = new TreeMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                addresses.put(in.readLong(), in.readUTF());
            }
            return new SnapshotImage(addresses, in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated snapshot image", e);
        }
    }
}
