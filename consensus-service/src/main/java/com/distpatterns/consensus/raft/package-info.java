/**
 * A deterministic Raft engine in the style of etcd's raft: a {@link com.distpatterns.consensus.raft.RaftNode}
 * takes ticks, messages and proposals and hands back a {@link com.distpatterns.consensus.raft.Ready} of what
 * to persist, send and apply. No threads, sockets, clock or disk.
 */
package com.distpatterns.consensus.raft;
