package com.distpatterns.consensus.core;

import java.util.Optional;

/** A key as read, with the store revision it was read at and the node's term (the answer's header). */
public record KeyRead(Optional<KeyValue> kv, long revision, long raftTerm) {}
