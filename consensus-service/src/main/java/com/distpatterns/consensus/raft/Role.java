package com.distpatterns.consensus.raft;

/** What a node currently is in its term. */
public enum Role {
    FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER
}
