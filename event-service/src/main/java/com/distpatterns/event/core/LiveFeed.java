package com.distpatterns.event.core;

/** A source of live events matching a pattern: one broker queue per client, gone when the client goes. */
public interface LiveFeed {

    /** Starts feeding events that match {@code pattern} and are published from now on into {@code sink}. */
    Handle open(TopicPattern pattern, LiveEventSink sink);

    /** An open feed; closing it stops the events and removes what the feed holds on the broker. */
    interface Handle extends AutoCloseable {
        @Override
        void close();
    }
}
