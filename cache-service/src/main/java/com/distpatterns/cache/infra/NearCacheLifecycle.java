package com.distpatterns.cache.infra;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the near cache's background work on one thread: the invalidation channel's connect-or-probe every
 * {@code probeInterval}, and the hit-count flush every {@code statisticsFlushInterval}. Stopping writes the last counts.
 */
public final class NearCacheLifecycle implements SmartLifecycle {

    private final InvalidationChannel channel;
    private final HitCounts hitCounts;
    private final Duration probeInterval;
    private final Duration statisticsFlushInterval;
    private ScheduledExecutorService scheduler;

    public NearCacheLifecycle(InvalidationChannel channel, HitCounts hitCounts, Duration probeInterval,
            Duration statisticsFlushInterval) {
        this.channel = channel;
        this.hitCounts = hitCounts;
        this.probeInterval = probeInterval;
        this.statisticsFlushInterval = statisticsFlushInterval;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors
                .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("near-cache").daemon().factory());
        scheduler.scheduleWithFixedDelay(channel::tick, 0, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(hitCounts::flushAll, statisticsFlushInterval.toMillis(),
                statisticsFlushInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
            hitCounts.flushAll();
            channel.close();
        }
    }

    public InvalidationChannel channel() {
        return channel;
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
