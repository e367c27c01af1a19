package com.distpatterns.consensus.raft;

/**
 * A linearizable read that is now safe to serve: apply the committed entries handed out with it, then read.
 *
 * @param index the commit index the leader confirmed; the local state machine has reached it
 * @param context the caller's id for the read, echoed back
 */
public record ReadState(long index, long context) {}
