package com.distpatterns.consensus.core;

/** A page of keys as read, with the store revision it was read at and the node's term (the answer's header). */
public record RangeRead(KvRange range, long revision, long raftTerm) {}
