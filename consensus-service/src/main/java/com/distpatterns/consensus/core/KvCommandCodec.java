package com.distpatterns.consensus.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The bytes of a {@link KvCommand} inside a log entry: version, type, key, then values as length and bytes. */
public final class KvCommandCodec {

    private static final byte VERSION = 1;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte COMPARE_AND_SET = 3;
    private static final byte TXN = 4;
    private static final byte COMPACT = 5;
    private static final byte OP_PUT = 1;
    private static final byte OP_DELETE = 2;
    private static final byte OP_DELETE_PREFIX = 3;
    private static final byte OP_GET = 4;
    private static final byte OP_RANGE = 5;
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
                case KvCommand.Txn t -> {
                    out.writeByte(TXN);
                    out.writeInt(t.compares().size());
                    for (Compare c : t.compares()) {
                        writeString(out, c.key());
                        out.writeByte(c.target().ordinal());
                        out.writeByte(c.op().ordinal());
                        writeBytes(out, c.value());
                        out.writeLong(c.number());
                    }
                    writeOps(out, t.success());
                    writeOps(out, t.failure());
                }
                case KvCommand.Compact c -> {
                    out.writeByte(COMPACT);
                    out.writeLong(c.revision());
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
            int limit = data.length;
            KvCommand command = switch (type) {
                case PUT -> new KvCommand.Put(readString(in, limit), readBytes(in, limit));
                case DELETE -> new KvCommand.Delete(readString(in, limit));
                case COMPARE_AND_SET -> new KvCommand.CompareAndSet(readString(in, limit), readBytes(in, limit), readBytes(in, limit));
                case TXN -> {
                    int count = readCount(in, KvCommand.MAX_TXN_COMPARES);
                    List<Compare> compares = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        String key = readString(in, limit);
                        Compare.Target target = Compare.Target.values()[in.readByte()];
                        Compare.Op op = Compare.Op.values()[in.readByte()];
                        compares.add(new Compare(key, target, op, readBytes(in, limit), in.readLong()));
                    }
                    yield new KvCommand.Txn(compares, readOps(in, limit), readOps(in, limit));
                }
                case COMPACT -> new KvCommand.Compact(in.readLong());
                default -> throw new IllegalArgumentException("unknown command type " + type);
            };
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after command");
            }
            return command;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated command", e);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("an unknown compare target or operator", e);
        }
    }

    private static void writeOps(DataOutputStream out, List<TxnOp> ops) throws IOException {
        out.writeInt(ops.size());
        for (TxnOp op : ops) {
            switch (op) {
                case TxnOp.Put p -> {
                    out.writeByte(OP_PUT);
                    writeString(out, p.key());
                    writeBytes(out, p.value());
                }
                case TxnOp.Delete d -> {
                    out.writeByte(OP_DELETE);
                    writeString(out, d.key());
                }
                case TxnOp.DeletePrefix d -> {
                    out.writeByte(OP_DELETE_PREFIX);
                    writeString(out, d.prefix());
                }
                case TxnOp.Get g -> {
                    out.writeByte(OP_GET);
                    writeString(out, g.key());
                }
                case TxnOp.Range r -> {
                    out.writeByte(OP_RANGE);
                    writeString(out, r.prefix());
                    out.writeInt(r.limit());
                }
            }
        }
    }

    private static List<TxnOp> readOps(DataInputStream in, int limit) throws IOException {
        int count = readCount(in, KvCommand.MAX_TXN_OPS);
        List<TxnOp> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte type = in.readByte();
            ops.add(switch (type) {
                case OP_PUT -> new TxnOp.Put(readString(in, limit), readBytes(in, limit));
                case OP_DELETE -> new TxnOp.Delete(readString(in, limit));
                case OP_DELETE_PREFIX -> new TxnOp.DeletePrefix(readString(in, limit));
                case OP_GET -> new TxnOp.Get(readString(in, limit));
                case OP_RANGE -> new TxnOp.Range(readString(in, limit), in.readInt());
                default -> throw new IllegalArgumentException("unknown transaction operation " + type);
            });
        }
        return ops;
    }

    private static int readCount(DataInputStream in, int max) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > max) {
            throw new IllegalArgumentException("a count of " + count + " (at most " + max + ")");
        }
        return count;
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in, int limit) throws IOException {
        byte[] bytes = readBytes(in, limit);
        if (bytes == null) {
            throw new IllegalArgumentException("a missing key");
        }
        return new String(bytes, StandardCharsets.UTF_8);
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
