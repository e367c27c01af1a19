package com.distpatterns.event.core;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Every live stream this instance serves: opens them within the limits, and ends them all on shutdown. */
public final class LiveStreams {

    private final LiveFeed feed;
    private final LiveStreamLimits limits;
    private final Set<LiveStream> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final AtomicLong highWaterBytes = new AtomicLong();
    private final AtomicLong cutOffs = new AtomicLong();
    private volatile boolean stopping;

    public LiveStreams(LiveFeed feed, LiveStreamLimits limits) {
        this.feed = feed;
        this.limits = limits;
    }

    /**
     * Opens a stream of the events matching {@code pattern} that are published from the moment this returns.
     *
     * @throws StreamCapacityException when this instance serves its maximum of streams, or is stopping
     */
    public LiveStream open(TopicPattern pattern) {
        if (stopping) {
            throw new StreamCapacityException("This instance is shutting down; connect again to reach another one.");
        }
        LiveStream stream = new LiveStream(UUID.randomUUID().toString().substring(0, 8), pattern, limits, this);
        open.add(stream);
        if (open.size() > limits.maxClients()) {
            open.remove(stream);
            throw new StreamCapacityException("This instance already serves " + limits.maxClients()
                    + " live streams; try again later or reach another instance.");
        }
        try {
            stream.attach(feed.open(pattern, stream));
        } catch (RuntimeException e) {
            open.remove(stream);
            throw e;
        }
        return stream;
    }

    /** Ends every stream; new ones are refused from now on. */
    public void closeAll() {
        stopping = true;
        for (LiveStream stream : open) {
            stream.end(StreamEnd.SHUTDOWN);
        }
    }

    public int openStreams() {
        return open.size();
    }

    /** Bytes of events held for all clients right now. */
    public long bufferedBytes() {
        return bufferedBytes.get();
    }

    /** The most bytes one client's buffer has held since start. */
    public long highWaterBytes() {
        return highWaterBytes.get();
    }

    /** How many clients were cut off for being too slow. */
    public long cutOffs() {
        return cutOffs.get();
    }

    void buffered(long delta, long streamBytes) {
        bufferedBytes.addAndGet(delta);
        highWaterBytes.accumulateAndGet(streamBytes, Math::max);
    }

    void cutOff() {
        cutOffs.incrementAndGet();
    }

    void closed(LiveStream stream) {
        open.remove(stream);
    }
}
