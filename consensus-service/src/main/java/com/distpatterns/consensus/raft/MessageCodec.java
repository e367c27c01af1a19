package com.distpatterns.consensus.raft;

import com.distpatterns.consensus.raft.Message.AppendEntries;
import com.distpatterns.consensus.raft.Message.AppendResponse;
import com.distpatterns.consensus.raft.Message.Heartbeat;
import com.distpatterns.consensus.raft.Message.HeartbeatResponse;
import com.distpatterns.consensus.raft.Message.InstallSnapshot;
import com.distpatterns.consensus.raft.Message.ReadIndexRequest;
import com.distpatterns.consensus.raft.Message.ReadIndexResponse;
import com.distpatterns.consensus.raft.Message.RequestVote;
import com.distpatterns.consensus.raft.Message.SnapshotResponse;
import com.distpatterns.consensus.raft.Message.TimeoutNow;
import com.distpatterns.consensus.raft.Message.VoteResponse;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The compact binary form of {@link Message}s between peers: one message per frame, framed by the transport.
 *
 * <p>Layout: version byte, type byte, then from, to, term and the type's fields. Non-negative integers are
 * unsigned LEB128 varints; read contexts are 8 bytes big-endian; byte strings are a varint length and the
 * bytes. Entries in an append omit their index, which follows from prevLogIndex.
 */
public final class MessageCodec {

    /** The format written; frames of any other version are refused. */
    public static final byte VERSION = 1;

    private static final byte REQUEST_VOTE = 1;
    private static final byte VOTE_RESPONSE = 2;
    private static final byte APPEND_ENTRIES = 3;
    private static final byte APPEND_RESPONSE = 4;
    private static final byte HEARTBEAT = 5;
    private static final byte HEARTBEAT_RESPONSE = 6;
    private static final byte INSTALL_SNAPSHOT = 7;
    private static final byte SNAPSHOT_RESPONSE = 8;
    private static final byte TIMEOUT_NOW = 9;
    private static final byte READ_INDEX_REQUEST = 10;
    private static final byte READ_INDEX_RESPONSE = 11;

    private MessageCodec() {}

    public static byte[] encode(Message message) {
        Output out = new Output(message instanceof AppendEntries a ? 64 + 16 * a.entries().size() : 48);
        out.writeByte(VERSION);
        out.writeByte(typeOf(message));
        out.writeVarLong(message.from());
        out.writeVarLong(message.to());
        out.writeVarLong(message.term());
        switch (message) {
            case RequestVote m -> {
                out.writeVarLong(m.lastLogIndex());
                out.writeVarLong(m.lastLogTerm());
                out.writeByte(flags(m.preVote(), m.leadershipTransfer()));
            }
            case VoteResponse m -> out.writeByte(flags(m.granted(), m.preVote()));
            case AppendEntries m -> {
                out.writeVarLong(m.prevLogIndex());
                out.writeVarLong(m.prevLogTerm());
                out.writeVarLong(m.leaderCommit());
                out.writeVarLong(m.entries().size());
                long expected = m.prevLogIndex() + 1;
                for (Entry entry : m.entries()) {
                    if (entry.index() != expected++) {
                        throw new IllegalArgumentException(
                                "entries of an append must be consecutive after prevLogIndex");
                    }
                    out.writeVarLong(entry.term());
                    out.writeByte((byte) entry.type().ordinal());
                    out.writeBytes(entry.data());
                }
            }
            case AppendResponse m -> {
                out.writeByte(flags(m.rejected(), false));
                out.writeVarLong(m.index());
                out.writeVarLong(m.hintIndex());
                out.writeVarLong(m.hintTerm());
            }
            case Heartbeat m -> {
                out.writeVarLong(m.commit());
                out.writeVarLong(m.readRound());
            }
            case HeartbeatResponse m -> out.writeVarLong(m.readRound());
            case InstallSnapshot m -> {
                writeMetadata(out, m.metadata());
                out.writeVarLong(m.offset());
                out.writeByte(flags(m.last(), false));
                out.writeBytes(m.chunk());
            }
            case SnapshotResponse m -> {
                out.writeVarLong(m.snapshotIndex());
                out.writeVarLong(m.nextOffset());
            }
            case TimeoutNow m -> {
            }
            case ReadIndexRequest m -> out.writeLong(m.context());
            case ReadIndexResponse m -> {
                out.writeLong(m.context());
                out.writeVarLong(m.index());
            }
        }
        return out.toByteArray();
    }

    /** Decodes one frame. */
    public static Message decode(byte[] frame) {
        return decode(ByteBuffer.wrap(frame));
    }

    /**
     * Decodes one frame occupying all remaining bytes of {@code in}.
     *
     * @throws MalformedMessageException if the bytes are not one complete message of this version
     */
    public static Message decode(ByteBuffer in) {
        try {
            byte version = in.get();
            if (version != VERSION) {
                throw new MalformedMessageException(
                        "unsupported message format version " + version + ", expected " + VERSION);
            }
            byte type = in.get();
            long from = readVarLong(in);
            long to = readVarLong(in);
            long term = readVarLong(in);
            Message message = switch (type) {
                case REQUEST_VOTE -> {
                    long lastIndex = readVarLong(in);
                    long lastTerm = readVarLong(in);
                    byte flags = in.get();
                    yield new RequestVote(from, to, term, lastIndex, lastTerm, bit(flags, 0), bit(flags, 1));
                }
                case VOTE_RESPONSE -> {
                    byte flags = in.get();
                    yield new VoteResponse(from, to, term, bit(flags, 0), bit(flags, 1));
                }
                case APPEND_ENTRIES -> {
                    long prevIndex = readVarLong(in);
                    long prevTerm = readVarLong(in);
                    long commit = readVarLong(in);
                    long count = readVarLong(in);
                    if (count > in.remaining()) {
                        throw new MalformedMessageException(
                                "append claims " + count + " entries in " + in.remaining() + " bytes");
                    }
                    List<Entry> entries = new ArrayList<>((int) count);
                    for (long i = 1; i <= count; i++) {
                        long entryTerm = readVarLong(in);
                        Entry.Type entryType = entryType(in.get());
                        entries.add(new Entry(entryTerm, prevIndex + i, entryType, readBytes(in)));
                    }
                    yield new AppendEntries(from, to, term, prevIndex, prevTerm, entries, commit);
                }
                case APPEND_RESPONSE -> {
                    byte flags = in.get();
                    yield new AppendResponse(from, to, term, bit(flags, 0), readVarLong(in), readVarLong(in),
                            readVarLong(in));
                }
                case HEARTBEAT -> new Heartbeat(from, to, term, readVarLong(in), readVarLong(in));
                case HEARTBEAT_RESPONSE -> new HeartbeatResponse(from, to, term, readVarLong(in));
                case INSTALL_SNAPSHOT -> {
                    SnapshotMetadata metadata = readMetadata(in);
                    long offset = readVarLong(in);
                    byte flags = in.get();
                    yield new InstallSnapshot(from, to, term, metadata, offset, readBytes(in), bit(flags, 0));
                }
                case SNAPSHOT_RESPONSE -> new SnapshotResponse(from, to, term, readVarLong(in), readVarLong(in));
                case TIMEOUT_NOW -> new TimeoutNow(from, to, term);
                case READ_INDEX_REQUEST -> new ReadIndexRequest(from, to, term, in.getLong());
                case READ_INDEX_RESPONSE -> new ReadIndexResponse(from, to, term, in.getLong(), readVarLong(in));
                default -> throw new MalformedMessageException("unknown message type " + type);
            };
            if (in.hasRemaining()) {
                throw new MalformedMessageException(
                        in.remaining() + " bytes left after a " + message.getClass().getSimpleName());
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("frame ends inside a message");
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid field: " + e.getMessage());
        }
    }

    private static byte typeOf(Message message) {
        return switch (message) {
            case RequestVote m -> REQUEST_VOTE;
            case VoteResponse m -> VOTE_RESPONSE;
            case AppendEntries m -> APPEND_ENTRIES;
            case AppendResponse m -> APPEND_RESPONSE;
            case Heartbeat m -> HEARTBEAT;
            case HeartbeatResponse m -> HEARTBEAT_RESPONSE;
            case InstallSnapshot m -> INSTALL_SNAPSHOT;
            case SnapshotResponse m -> SNAPSHOT_RESPONSE;
            case TimeoutNow m -> TIMEOUT_NOW;
            case ReadIndexRequest m -> READ_INDEX_REQUEST;
            case ReadIndexResponse m -> READ_INDEX_RESPONSE;
        };
    }

    private static byte flags(boolean first, boolean second) {
        return (byte) ((first ? 1 : 0) | (second ? 2 : 0));
    }

    private static boolean bit(byte flags, int bit) {
        if ((flags & ~3) != 0) {
            throw new MalformedMessageException("unknown flag bits " + flags);
        }
        return (flags & (1 << bit)) != 0;
    }

    private static Entry.Type entryType(byte ordinal) {
        if (ordinal < 0 || ordinal >= Entry.Type.values().length) {
            throw new MalformedMessageException("unknown entry type " + ordinal);
        }
        return Entry.Type.values()[ordinal];
    }

    private static void writeMetadata(Output out, SnapshotMetadata metadata) {
        out.writeVarLong(metadata.index());
        out.writeVarLong(metadata.term());
        writeIds(out, metadata.confState().voters());
        writeIds(out, metadata.confState().learners());
    }

    private static SnapshotMetadata readMetadata(ByteBuffer in) {
        long index = readVarLong(in);
        long term = readVarLong(in);
        TreeSet<Long> voters = readIds(in);
        TreeSet<Long> learners = readIds(in);
        return new SnapshotMetadata(index, term, new ConfState(voters, learners));
    }

    private static void writeIds(Output out, Set<Long> ids) {
        out.writeVarLong(ids.size());
        for (long id : ids) {
            out.writeVarLong(id);
        }
    }

    private static TreeSet<Long> readIds(ByteBuffer in) {
        long count = readVarLong(in);
        if (count > in.remaining()) {
            throw new MalformedMessageException("member list longer than the frame");
        }
        TreeSet<Long> ids = new TreeSet<>();
        for (long i = 0; i < count; i++) {
            ids.add(readVarLong(in));
        }
        return ids;
    }

    private static long readVarLong(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new MalformedMessageException("negative value where a count or index belongs");
                }
                return value;
            }
        }
        throw new MalformedMessageException("varint longer than 64 bits");
    }

    private static byte[] readBytes(ByteBuffer in) {
        long length = readVarLong(in);
        if (length > in.remaining()) {
            throw new MalformedMessageException(
                    "byte string of " + length + " bytes in a frame with " + in.remaining() + " left");
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return bytes;
    }

    /** A growable byte array, cheaper than a stream for the small writes of a frame. */
    private static final class Output {
        private byte[] buffer;
        private int size;

        Output(int capacity) {
            buffer = new byte[capacity];
        }

        private void ensure(int extra) {
            if (size + extra > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
            }
        }

        void writeByte(byte b) {
            ensure(1);
            buffer[size++] = b;
        }

        void writeVarLong(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("cannot encode negative value " + value);
            }
            ensure(10);
            while ((value & ~0x7FL) != 0) {
                buffer[size++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            buffer[size++] = (byte) value;
        }

        void writeLong(long value) {
            ensure(Long.BYTES);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[size++] = (byte) (value >>> shift);
            }
        }

        void writeBytes(byte[] bytes) {
            writeVarLong(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buffer, size, bytes.length);
            size += bytes.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }
}
