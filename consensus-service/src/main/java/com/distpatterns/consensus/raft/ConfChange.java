package com.distpatterns.consensus.raft;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A change of membership by one server, carried in a {@link Entry.Type#CONF_CHANGE} entry.
 *
 * <p>A new server joins as a learner, catches up, and is then promoted with {@link Type#ADD_VOTER}: a voter
 * that joined empty would otherwise stall commits while it copies the whole log.
 *
 * <p>{@code context} is opaque to the engine and replicated with the change (the service puts the new member's
 * address there, as etcd does), so every server learns it when it applies the entry.
 */
public record ConfChange(Type type, long nodeId, byte[] context) {

    private static final byte FORMAT_VERSION = 1;
    // Version 2 appends the context; a change without one is still written as version 1.
    private static final byte FORMAT_VERSION_WITH_CONTEXT = 2;
    private static final int ENCODED_SIZE = 1 + 1 + Long.BYTES;

    /** The three single-server changes. */
    public enum Type {
        ADD_LEARNER, ADD_VOTER, REMOVE
    }

    public ConfChange {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(context, "context");
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node ids are positive: " + nodeId);
        }
    }

    public ConfChange(Type type, long nodeId) {
        this(type, nodeId, new byte[0]);
    }

    /** Adds a learner and replicates {@code context} (for example its address) with the change. */
    public static ConfChange addLearner(long nodeId, byte[] context) {
        return new ConfChange(Type.ADD_LEARNER, nodeId, context);
    }

    public static ConfChange addLearner(long nodeId) {
        return new ConfChange(Type.ADD_LEARNER, nodeId);
    }

    /** Promotes a learner; a server that is not a learner yet cannot be made a voter directly. */
    public static ConfChange addVoter(long nodeId) {
        return new ConfChange(Type.ADD_VOTER, nodeId);
    }

    public static ConfChange remove(long nodeId) {
        return new ConfChange(Type.REMOVE, nodeId);
    }

    /** The payload of the log entry: version, type, node id, then the context if there is one. */
    public byte[] toBytes() {
        byte version = context.length == 0 ? FORMAT_VERSION : FORMAT_VERSION_WITH_CONTEXT;
        return ByteBuffer.allocate(ENCODED_SIZE + context.length).put(version).put((byte) type.ordinal())
                .putLong(nodeId)
                .put(context).array();
    }

    public static ConfChange fromBytes(byte[] data) {
        boolean known = data.length == ENCODED_SIZE && data[0] == FORMAT_VERSION
                || data.length > ENCODED_SIZE && data[0] == FORMAT_VERSION_WITH_CONTEXT;
        if (!known || data[1] < 0 || data[1] >= Type.values().length) {
            throw new MalformedMessageException("not a conf change payload of version " + FORMAT_VERSION + " or "
                    + FORMAT_VERSION_WITH_CONTEXT);
        }
        return new ConfChange(Type.values()[data[1]], ByteBuffer.wrap(data, 2, Long.BYTES).getLong(),
                Arrays.copyOfRange(data, ENCODED_SIZE, data.length));
    }

    // Records compare arrays by identity; changes compare by content.
    @Override
    public boolean equals(Object o) {
        return o instanceof ConfChange c && type == c.type && nodeId == c.nodeId && Arrays.equals(context, c.context);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, nodeId, Arrays.hashCode(context));
    }

    @Override
    public String toString() {
        return "ConfChange[" + type + " " + nodeId + (context.length == 0 ? "" : ", " + context.length + "B context")
                + "]";
    }

    /** The membership after this change; the caller has checked that the change is valid. */
    ConfState applyTo(ConfState conf) {
        var voters = new TreeSet<>(conf.voters());
        var learners = new TreeSet<>(conf.learners());
        switch (type) {
            case ADD_LEARNER -> {
                if (!voters.contains(nodeId)) {
                    learners.add(nodeId);
                }
            }
            case ADD_VOTER -> {
                learners.remove(nodeId);
                voters.add(nodeId);
            }
            case REMOVE -> {
                voters.remove(nodeId);
                learners.remove(nodeId);
            }
        }
        return new ConfState(voters, learners);
    }
}
