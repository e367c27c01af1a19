package com.distpatterns.consensus.core;

/** Where watches start: this node's applied changes, replayed from history and then live. */
public interface Watches {

    /** Starts a watch; a {@code fromRevision} below the compacted revision gives a watch that says so and ends. */
    Watch watch(WatchRequest request);
}
