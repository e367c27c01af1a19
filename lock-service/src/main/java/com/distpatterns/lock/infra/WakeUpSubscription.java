package com.distpatterns.lock.infra;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Starts the instance's one wake-up subscription without making the service's start depend on Redis: while
 * Redis is unreachable the service starts anyway, answers 503, and keeps trying to subscribe in the background.
 * Once subscribed, the container itself re-subscribes after a lost connection.
 */
public final class WakeUpSubscription implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WakeUpSubscription.class);

    private final RedisMessageListenerContainer container;
    private static final Duration MAX_RETRY_INTERVAL = Duration.ofSeconds(30);

    private final Duration retryInterval;
    private volatile boolean running;
    private volatile Thread starter;

    public WakeUpSubscription(RedisMessageListenerContainer container, Duration retryInterval) {
        this.container = container;
        this.retryInterval = retryInterval;
    }

    @Override
    public void start() {
        running = true;
        starter = Thread.ofVirtual().name("lock-wake-up-subscriber").start(this::subscribeUntilDone);
    }

    private void subscribeUntilDone() {
        boolean warned = false;
        Duration pause = retryInterval;
        while (running) {
            try {
                container.start();
                if (container.isListening()) {
                    if (warned) {
                        log.info("Wake-up subscription established; waiters are woken by releases again");
                    }
                    return;
                }
            } catch (RuntimeException e) {
                // The container counts itself started even when its first subscription failed: reset it to try again.
                container.stop();
                if (!warned) {
                    log.warn(
                            "Cannot subscribe to lock wake-ups yet ({}); waiters fall back to polling; retrying with backoff",
                            e.getMessage());
                    warned = true;
                }
            }
            try {
                Thread.sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MAX_RETRY_INTERVAL) > 0 ? MAX_RETRY_INTERVAL
                        : pause.multipliedBy(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether wake-ups can arrive now (they cannot while Redis is unreachable). */
    public boolean isListening() {
        return container.isListening();
    }

    @Override
    public void stop() {
        running = false;
        Thread thread = starter;
        if (thread != null) {
            thread.interrupt();
        }
        container.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
