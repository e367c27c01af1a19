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
import java.util.stream.Stream;

/**
 * The bytes of a {@link KvCommand} inside a log entry: version, type, key, then values as length and bytes.
 *
 * <p>Version 2 adds the lease of a put (a long after its value) and the lease commands. A command that version 1
 * can express (no lease anywhere) is still written as version 1, so servers of the previous version, during a
 * rolling upgrade, read every entry until leases are used; entries already in logs and snapshots read as before.
 */
public final class KvCommandCodec {

    private static final byte VERSION_1 = 1;
    private static final byte VERSION_2 = 2;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte COMPARE_AND_SET = 3;
    private static final byte TXN = 4;
    private static final byte COMPACT = 5;
    private static final byte LEASE_GRANT = 6;
    private static final byte LEASE_REVOKE = 7;
    private static final byte OP_PUT = 1;
    private static final byte OP_DELETE = 2;
    private static final byte OP_DELETE_PREFIX = 3;
    private static final byte OP_GET = 4;
    private static final byte OP_RANGE = 5;
    private static final int ABSENT = -1;

    private KvCommandCodec() {}

    public static byte[] encode(KvCommand command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            boolean leases = usesLeases(command);
            out.writeByte(leases ? VERSION_2 : VERSION_1);
            switch (command) {
                case KvCommand.Put p -> {
                    out.writeByte(PUT);
                    writeBytes(out, p.key().getBytes(StandardCharsets.UTF_8));
                    writeBytes(out, p.value());
                    if (leases) {
                        out.writeLong(p.lease());
                    }
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
                    writeOps(out, t.success(), leases);
                    writeOps(out, t.failure(), leases);
                }
                case KvCommand.Compact c -> {
                    out.writeByte(COMPACT);
                    out.writeLong(c.revision());
                }
                case KvCommand.LeaseGrant g -> {
                    out.writeByte(LEASE_GRANT);
                    out.writeLong(g.ttlSeconds());
                }
                case KvCommand.LeaseRevoke r -> {
                    out.writeByte(LEASE_REVOKE);
                    out.writeLong(r.id());
                    out.writeLong(r.expiryTerm());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Whether the command needs version 2: a lease command, or a put under a lease. */
    private static boolean usesLeases(KvCommand command) {
        return switch (command) {
            case KvCommand.Put p -> p.lease() != 0;
            case KvCommand.Txn t -> Stream.concat(t.success().stream(), t.failure().stream())
                    .anyMatch(op -> op instanceof TxnOp.Put p && p.lease() != 0);
            case KvCommand.LeaseGrant g -> true;
            case KvCommand.LeaseRevoke r -> true;
            case KvCommand.Delete d -> false;
            case KvCommand.CompareAndSet c -> false;
            case KvCommand.Compact c -> false;
        };
    }

    /**
     * Decodes a command written by {@link #encode}.
     *
     * @throws IllegalArgumentException if the bytes are not a command of this version
     */
    public static KvCommand decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION_1 && version != VERSION_2) {
                throw new IllegalArgumentException("unsupported command version " + version);
            }
            boolean leases = version == VERSION_2;
            byte type = in.readByte();
            int limit = data.length;
            KvCommand command = switch (type) {
                case PUT -> new KvCommand.Put(readString(in, limit), readBytes(in, limit), leases ? in.readLong() : 0);
                case DELETE -> new KvCommand.Delete(readString(in, limit));
                case COMPARE_AND_SET ->
                    new KvCommand.CompareAndSet(readString(in, limit), readBytes(in, limit), readBytes(in, limit));
                case TXN -> {
                    int count = readCount(in, KvCommand.MAX_TXN_COMPARES);
                    List<Compare> compares = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        String key = readString(in, limit);
                        Compare.Target target = Compare.Target.values()[in.readByte()];
                        Compare.Op op = Compare.Op.values()[in.readByte()];
                        compares.add(new Compare(key, target, op, readBytes(in, limit), in.readLong()));
                    }
                    yield new KvCommand.Txn(compares, readOps(in, limit, leases), readOps(in, limit, leases));
                }
                case COMPACT -> new KvCommand.Compact(in.readLong());
                case LEASE_GRANT -> {
                    requireVersion2(leases, type);
                    yield new KvCommand.LeaseGrant(in.readLong());
                }
                case LEASE_REVOKE -> {
                    requireVersion2(leases, type);
                    yield new KvCommand.LeaseRevoke(in.readLong(), in.readLong());
                }
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

    private static void requireVersion2(boolean version2, byte type) {
        if (!version2) {
            throw new IllegalArgumentException("command type " + type + " in a version 1 command");
        }
    }

    private static void writeOps(DataOutputStream out, List<TxnOp> ops, boolean leases) throws IOException {
        out.writeInt(ops.size());
        for (TxnOp op : ops) {
            switch (op) {
                case TxnOp.Put p -> {
                    out.writeByte(OP_PUT);
                    writeString(out, p.key());
                    writeBytes(out, p.value());
                    if (leases) {
                        out.writeLong(p.lease());
                    }
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

    private static List<TxnOp> readOps(DataInputStream in, int limit, boolean leases) throws IOException {
        int count = readCount(in, KvCommand.MAX_TXN_OPS);
        List<TxnOp> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte type = in.readByte();
            ops.add(switch (type) {
                case OP_PUT -> new TxnOp.Put(readString(in, limit), readBytes(in, limit), leases ? in.readLong() : 0);
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
