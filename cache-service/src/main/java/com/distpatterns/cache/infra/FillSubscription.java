package com.distpatterns.cache.infra;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Starts the instance's fill-notice subscription in the background, retrying until Redis answers: a service started
 * while Redis is down comes up anyway (not ready), instead of failing. Once subscribed, Lettuce and the container
 * restore the subscription after any later outage by themselves.
 */
public final class FillSubscription implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FillSubscription.class);

    private final RedisMessageListenerContainer container;
    private final Duration retryInterval;
    private volatile boolean running;
    private Thread subscriber;

    /** @param container a container that does not start itself ({@code autoStartup=false}) */
    public FillSubscription(RedisMessageListenerContainer container, Duration retryInterval) {
        this.container = container;
        this.retryInterval = retryInterval;
    }

    @Override
    public synchronized void start() {
        running = true;
        subscriber = Thread.ofVirtual().name("fill-subscription").start(this::subscribe);
    }

    private void subscribe() {
        boolean warned = false;
        while (running) {
            try {
                container.start();
                log.info("Subscribed to fill notices");
                return;
            } catch (RuntimeException e) {
                if (!warned) {
                    log.warn("Cannot subscribe to fill notices yet ({}); retrying every {}", e.getMessage(),
                            retryInterval);
                    warned = true;
                }
                container.stop();
            }
            try {
                Thread.sleep(retryInterval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (subscriber != null) {
            subscriber.interrupt();
        }
        container.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
