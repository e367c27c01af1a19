package com.distpatterns.event.core;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live stream client: a bounded buffer between the broker consumer, which must never block, and the writer,
 * which blocks on the client's socket. A client that falls further behind than the buffer allows is cut off: the
 * buffer is dropped and the writer sends a final error instead of letting memory grow.
 */
public final class LiveStream implements LiveEventSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveStream.class);

    private final String id;
    private final TopicPattern pattern;
    private final LiveStreamLimits limits;
    private final LiveStreams owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<LiveEvent> events = new ArrayDeque<>();
    private long bufferedBytes;
    private StreamEnd end;
    private long nextHeartbeat;
    private volatile LiveFeed.Handle feed;
    private volatile boolean closed;

    LiveStream(String id, TopicPattern pattern, LiveStreamLimits limits, LiveStreams owner) {
        this.id = id;
        this.pattern = pattern;
        this.limits = limits;
        this.owner = owner;
        this.nextHeartbeat = System.nanoTime() + limits.heartbeat().toNanos();
    }

    public String id() {
        return id;
    }

    public TopicPattern pattern() {
        return pattern;
    }

    void attach(LiveFeed.Handle handle) {
        this.feed = handle;
        if (closed) {
            handle.close();
        }
    }

    @Override
    public boolean offer(LiveEvent event) {
        lock.lock();
        try {
            if (end != null) {
                return false;
            }
            boolean fits = events.isEmpty()
                    || (events.size() < limits.bufferEvents() && bufferedBytes + event.size() <= limits.bufferBytes()
                            && owner.bufferedBytes() + event.size() <= limits.totalBufferBytes());
            if (!fits) {
                log.info("Live stream {} (pattern {}) cut off: its client fell {} events / {} bytes behind", id,
                        pattern,
                        events.size(), bufferedBytes);
                owner.cutOff();
                finish(StreamEnd.SLOW_CLIENT);
                return false;
            }
            events.add(event);
            bufferedBytes += event.size();
            owner.buffered(event.size(), bufferedBytes);
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void end(StreamEnd reason) {
        lock.lock();
        try {
            if (end == null) {
                if (reason == StreamEnd.BROKER_LOST) {
                    log.info("Live stream {} (pattern {}) ends: the broker connection was lost", id, pattern);
                }
                // Events already buffered still go out when the broker is lost; on shutdown there is no time for them.
                end = reason;
                if (reason != StreamEnd.BROKER_LOST) {
                    drop();
                }
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for what the writer must send next: an event, a heartbeat when one is due, or the end.
     *
     * @throws InterruptedException when the writer's thread is interrupted
     */
    public StreamSignal next() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                LiveEvent event = events.poll();
                if (event != null) {
                    bufferedBytes -= event.size();
                    owner.buffered(-event.size(), bufferedBytes);
                    return new StreamSignal.Event(event);
                }
                if (end != null) {
                    return new StreamSignal.End(end);
                }
                long wait = nextHeartbeat - System.nanoTime();
                if (wait <= 0) {
                    nextHeartbeat = System.nanoTime() + limits.heartbeat().toNanos();
                    return new StreamSignal.Heartbeat();
                }
                changed.await(wait, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the feed (its broker queue goes with it) and frees what the stream holds. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        lock.lock();
        try {
            if (end == null) {
                end = StreamEnd.SHUTDOWN;
            }
            drop();
            changed.signal();
        } finally {
            lock.unlock();
        }
        LiveFeed.Handle handle = feed;
        if (handle != null) {
            handle.close();
        }
        owner.closed(this);
    }

    private void finish(StreamEnd reason) {
        end = reason;
        drop();
        changed.signal();
    }

    private void drop() {
        owner.buffered(-bufferedBytes, 0);
        events.clear();
        bufferedBytes = 0;
    }
}
