package com.distpatterns.event.core;

/** Where a live feed hands its events; implemented by {@link LiveStream}. */
public interface LiveEventSink {

    /**
     * Called for each event, in the order the feed received them; must not block.
     *
     * @return {@code false} when the sink takes no more events (it overflowed or ended): the feed must stop
     */
    boolean offer(LiveEvent event);

    /** The feed itself stopped, for example because the broker connection was lost. */
    void end(StreamEnd reason);
}
