package com.distpatterns.consensus.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The bytes of a {@link KvCommand} inside a log entry: version, type, key, then values as length and bytes. */
public final class KvCommandCodec {

    private static final byte VERSION = 1;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte COMPARE_AND_SET = 3;
    private static final int ABSENT = -1;

    private KvCommandCodec() {
    }

    public static byte[] encode(KvCommand command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            switch (command) {
                case KvCommand.Put p -> {
                    out.writeByte(PUT);
                    writeBytes(out, p.key().getBytes(StandardCharsets.UTF_8));
                    writeBytes(out, p.value());
                }
                case KvCommand.Delete d -> {
                    out.writeByte(DELETE);
                    writeBytes(out, d.key().getBytes(StandardCharsets.UTF_8));
                }
                case KvCommand.CompareAndSet c -> {
                    out.writeByte(COMPARE_AND_SET);
                    writeBytes(out, c.key().getBytes(StandardCharsets.UTF_8));
                    writeBytes(out, c.expected());
                    writeBytes(out, c.value());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a command written by {@link #encode}.
     *
     * @throws IllegalArgumentException if the bytes are not a command of this version
     */
    public static KvCommand decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported command version " + version);
            }
            byte type = in.readByte();
            String key = new String(readBytes(in, data.length), StandardCharsets.UTF_8);
            KvCommand command = switch (type) {
                case PUT -> new KvCommand.Put(key, readBytes(in, data.length));
                case DELETE -> new KvCommand.Delete(key);
                case COMPARE_AND_SET -> new KvCommand.CompareAndSet(key, readBytes(in, data.length), readBytes(in, data.length));
                default -> throw new IllegalArgumentException("unknown command type " + type);
            };
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after command");
            }
            return command;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated command", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(ABSENT);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in, int limit) throws IOException {
        int length = in.readInt();
        if (length == ABSENT) {
            return null;
        }
        if (length < 0 || length > limit) {
            throw new IllegalArgumentException("invalid length " + length);
        }
        return in.readNBytes(length);
    }
}
