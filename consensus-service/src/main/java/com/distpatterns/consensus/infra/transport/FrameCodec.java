package com.distpatterns.consensus.infra.transport;

import com.distpatterns.consensus.raft.MalformedMessageException;
import com.distpatterns.consensus.raft.MessageCodec;
import com.distpatterns.consensus.raft.ProposalResult;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format between servers: {@code [length u32][version u8][kind u8][body]}, where {@code length} counts
 * version, kind and body. Raft messages keep {@link MessageCodec}'s own frame as their body.
 */
final class FrameCodec {

    static final byte VERSION = 1;

    private static final byte HELLO = 1;
    private static final byte RAFT = 2;
    private static final byte FORWARD = 3;
    private static final byte ACCEPTED = 4;
    private static final byte REJECTED = 5;
    private static final byte FETCH_CHECKPOINT = 6;
    private static final byte LEASE_QUERY = 7;
    private static final byte LEASE_ANSWER = 8;

    private FrameCodec() {}

    /** Writes one whole frame, length prefix included. */
    static void write(PeerFrame frame, DataOutputStream out) throws IOException {
        switch (frame) {
            case PeerFrame.Hello h -> {
                header(out, 8, HELLO);
                out.writeLong(h.nodeId());
            }
            case PeerFrame.RaftFrame r -> {
                byte[] body = MessageCodec.encode(r.message());
                header(out, body.length, RAFT);
                out.write(body);
            }
            case PeerFrame.ForwardProposals f -> {
                int size = 8 + 1 + 4;
                for (byte[] command : f.commands()) {
                    size += 4 + command.length;
                }
                header(out, size, FORWARD);
                out.writeLong(f.batchId());
                out.writeBoolean(f.confChange());
                out.writeInt(f.commands().size());
                for (byte[] command : f.commands()) {
                    out.writeInt(command.length);
                    out.write(command);
                }
            }
            case PeerFrame.ProposalsAccepted a -> {
                header(out, 24, ACCEPTED);
                out.writeLong(a.batchId());
                out.writeLong(a.firstIndex());
                out.writeLong(a.term());
            }
            case PeerFrame.ProposalsRejected r -> {
                header(out, 17, REJECTED);
                out.writeLong(r.batchId());
                out.writeLong(r.leaderHint());
                out.writeByte(r.reason().ordinal());
            }
            case PeerFrame.FetchCheckpoint f -> {
                header(out, 16, FETCH_CHECKPOINT);
                out.writeLong(f.nodeId());
                out.writeLong(f.minIndex());
            }
            case PeerFrame.LeaseQuery q -> {
                header(out, 17, LEASE_QUERY);
                out.writeLong(q.requestId());
                out.writeBoolean(q.keepAlive());
                out.writeLong(q.leaseId());
            }
            case PeerFrame.LeaseAnswer a -> {
                List<byte[]> keys = new ArrayList<>(a.keys().size());
                int size = 8 + 1 + 8 + 8 + 8 + 4;
                for (String key : a.keys()) {
                    byte[] k = key.getBytes(StandardCharsets.UTF_8);
                    keys.add(k);
                    size += 4 + k.length;
                }
                header(out, size, LEASE_ANSWER);
                out.writeLong(a.requestId());
                out.writeByte(a.status().ordinal());
                out.writeLong(a.leaseId());
                out.writeLong(a.ttlSeconds());
                out.writeLong(a.remainingSeconds());
                out.writeInt(keys.size());
                for (byte[] k : keys) {
                    out.writeInt(k.length);
                    out.write(k);
                }
            }
        }
    }

    private static PeerFrame.LeaseAnswer leaseAnswer(ByteBuffer in) {
        long requestId = in.getLong();
        int status = in.get();
        if (status < 0 || status >= PeerFrame.LeaseAnswer.Status.values().length) {
            throw new MalformedMessageException("unknown lease answer status " + status);
        }
        long leaseId = in.getLong();
        long ttl = in.getLong();
        long remaining = in.getLong();
        int count = in.getInt();
        if (count < 0 || count > in.remaining() / 4) {
            throw new MalformedMessageException("a lease of " + count + " keys");
        }
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw new MalformedMessageException("a key of " + length + " bytes");
            }
            byte[] key = new byte[length];
            in.get(key);
            keys.add(new String(key, StandardCharsets.UTF_8));
        }
        return new PeerFrame.LeaseAnswer(requestId, PeerFrame.LeaseAnswer.Status.values()[status], leaseId, ttl,
                remaining, keys);
    }

    private static void header(DataOutputStream out, int bodyLength, byte kind) throws IOException {
        out.writeInt(2 + bodyLength);
        out.writeByte(VERSION);
        out.writeByte(kind);
    }

    /**
     * Reads the frame after its length prefix: version, kind and body.
     *
     * @throws MalformedMessageException if it is not a frame of this version
     */
    static PeerFrame read(byte[] frame) {
        try {
            ByteBuffer in = ByteBuffer.wrap(frame);
            byte version = in.get();
            if (version != VERSION) {
                throw new MalformedMessageException("unsupported frame version " + version);
            }
            byte kind = in.get();
            PeerFrame result = switch (kind) {
                case HELLO -> new PeerFrame.Hello(in.getLong());
                case RAFT -> {
                    PeerFrame.RaftFrame raft = new PeerFrame.RaftFrame(MessageCodec.decode(in.slice()));
                    in.position(in.limit());
                    yield raft;
                }
                case FORWARD -> {
                    long batchId = in.getLong();
                    boolean confChange = in.get() != 0;
                    int count = in.getInt();
                    if (count < 1 || count > in.remaining() / 4) {
                        throw new MalformedMessageException("a batch of " + count + " commands");
                    }
                    List<byte[]> commands = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        int length = in.getInt();
                        if (length < 0 || length > in.remaining()) {
                            throw new MalformedMessageException("a command of " + length + " bytes");
                        }
                        byte[] command = new byte[length];
                        in.get(command);
                        commands.add(command);
                    }
                    yield new PeerFrame.ForwardProposals(batchId, confChange, commands);
                }
                case ACCEPTED -> new PeerFrame.ProposalsAccepted(in.getLong(), in.getLong(), in.getLong());
                case REJECTED -> {
                    long batchId = in.getLong();
                    long leaderHint = in.getLong();
                    int reason = in.get();
                    if (reason < 0 || reason >= ProposalResult.Reason.values().length) {
                        throw new MalformedMessageException("unknown rejection reason " + reason);
                    }
                    yield new PeerFrame.ProposalsRejected(batchId, leaderHint, ProposalResult.Reason.values()[reason]);
                }
                case FETCH_CHECKPOINT -> new PeerFrame.FetchCheckpoint(in.getLong(), in.getLong());
                case LEASE_QUERY -> new PeerFrame.LeaseQuery(in.getLong(), in.get() != 0, in.getLong());
                case LEASE_ANSWER -> leaseAnswer(in);
                default -> throw new MalformedMessageException("unknown frame kind " + kind);
            };
            if (in.hasRemaining()) {
                throw new MalformedMessageException("trailing bytes after a frame of kind " + kind);
            }
            return result;
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("a frame cut short");
        }
    }
}
