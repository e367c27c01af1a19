package com.distpatterns.consensus.raft;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** The membership of the cluster: the voters, and the learners that receive the log without voting. */
public record ConfState(SortedSet<Long> voters, SortedSet<Long> learners) {

    /** No members at all: a node that waits to be added. */
    public static final ConfState EMPTY = new ConfState(new TreeSet<>(), new TreeSet<>());

    public ConfState {
        // Sorted copies: iteration order decides message order, which must be reproducible.
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        for (long id : voters) {
            if (id <= 0) {
                throw new IllegalArgumentException("node ids are positive: " + id);
            }
            if (learners.contains(id)) {
                throw new IllegalArgumentException("node " + id + " cannot be both voter and learner");
            }
        }
    }

    /** A configuration of voters only, as a fresh cluster starts. */
    public static ConfState ofVoters(Collection<Long> voters) {
        return new ConfState(new TreeSet<>(voters), new TreeSet<>());
    }

    public boolean isMember(long id) {
        return voters.contains(id) || learners.contains(id);
    }
}
