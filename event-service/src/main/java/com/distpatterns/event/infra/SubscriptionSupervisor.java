package com.distpatterns.event.infra;

import com.distpatterns.event.core.Subscriptions;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps this instance delivering every stored subscription: reconciles once at start (so a restarted instance picks
 * its subscriptions up before it reports ready), then periodically, and flushes delivery counts as it goes.
 */
public final class SubscriptionSupervisor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionSupervisor.class);

    private final Subscriptions subscriptions;
    private final WebhookListeners listeners;
    private final Duration interval;
    private ScheduledExecutorService scheduler;
    private volatile boolean flushFailing;

    public SubscriptionSupervisor(Subscriptions subscriptions, WebhookListeners listeners, Duration interval) {
        this.subscriptions = subscriptions;
        this.listeners = listeners;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        subscriptions.reconcile();
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("subscription-supervisor").daemon().factory());
        scheduler.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler == null) {
            return;
        }
        // No interrupt: a Redis command cut short may still have been applied, and its counts would then be added twice.
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(interval.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler = null;
        listeners.detachAll();
        flush();
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    private void tick() {
        subscriptions.reconcile();
        flush();
    }

    private void flush() {
        try {
            subscriptions.flushCounters();
            if (flushFailing) {
                flushFailing = false;
                log.info("Delivery counts are stored again");
            }
        } catch (RuntimeException e) {
            if (!flushFailing) {
                flushFailing = true;
                log.warn("Cannot store delivery counts, keeping them in memory: {}", e.toString());
            }
        }
    }
}
