package com.distpatterns.consensus.raft;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A change of membership by one server, carried in a {@link Entry.Type#CONF_CHANGE} entry.
 *
 * <p>A new server joins as a learner, catches up, and is then promoted with {@link Type#ADD_VOTER}: a voter
 * that joined empty would otherwise stall commits while it copies the whole log.
 */
public record ConfChange(Type type, long nodeId) {

    private static final byte FORMAT_VERSION = 1;
    private static final int ENCODED_SIZE = 1 + 1 + Long.BYTES;

    /** The three single-server changes. */
    public enum Type { ADD_LEARNER, ADD_VOTER, REMOVE }

    public ConfChange {
        Objects.requireNonNull(type, "type");
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node ids are positive: " + nodeId);
        }
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

    /** The payload of the log entry: version, type, node id. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(ENCODED_SIZE).put(FORMAT_VERSION).put((byte) type.ordinal()).putLong(nodeId).array();
    }

    public static ConfChange fromBytes(byte[] data) {
        if (data.length != ENCODED_SIZE || data[0] != FORMAT_VERSION || data[1] < 0 || data[1] >= Type.values().length) {
            throw new MalformedMessageException("not a conf change payload of version " + FORMAT_VERSION);
        }
        return new ConfChange(Type.values()[data[1]], ByteBuffer.wrap(data, 2, Long.BYTES).getLong());
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
