package com.distpatterns.event.infra;

import com.distpatterns.event.core.LiveStreams;
import org.springframework.context.SmartLifecycle;

/**
 * Ends every live stream first thing on shutdown: an open stream is a request that never finishes, and the web
 * server's graceful shutdown would otherwise wait for each of them until it gives up.
 */
public final class LiveStreamsLifecycle implements SmartLifecycle {

    private final LiveStreams streams;
    private volatile boolean running;

    public LiveStreamsLifecycle(LiveStreams streams) {
        this.streams = streams;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        streams.closeAll();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown begins. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
