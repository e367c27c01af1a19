package com.distpatterns.consensus.raft;

import java.util.SortedMap;

/** A node's current state for operators: role, term, marks and, on a leader, each member's progress. */
public record Status(long id, Role role, long term, long vote, long leaderId, long commit, long applied,
        long lastIndex, ConfState confState, SortedMap<Long, Peer> peers) {

    /** The leader's view of one member. */
    public record Peer(long match, long next, String state, boolean learner, boolean recentActive) {}
}
