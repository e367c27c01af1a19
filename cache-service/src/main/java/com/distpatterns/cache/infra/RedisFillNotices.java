package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.FillNotices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Fill notices over Redis pub/sub: one channel, one subscription per instance (this listener), and the waiters of
 * this instance woken locally by key. A lost notice costs a waiter one re-check interval, nothing more.
 */
public final class RedisFillNotices implements FillNotices, MessageListener {

    private final RedisConnectionFactory connections;
    private final byte[] channel;
    private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();

    public RedisFillNotices(RedisConnectionFactory connections, byte[] channel) {
        this.connections = connections;
        this.channel = channel;
    }

    @Override
    public FillWait expect(String key) {
        Waiter waiter = new Waiter(key);
        waiters.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        return waiter;
    }

    @Override
    public void announce(String key) {
        try (RedisConnection connection = connections.getConnection()) {
            connection.publish(channel, key.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        Set<Waiter> woken = waiters.get(new String(message.getBody(), StandardCharsets.UTF_8));
        if (woken != null) {
            woken.forEach(waiter -> waiter.latch.countDown());
        }
    }

    /** How many callers of this instance wait right now. */
    public int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    private final class Waiter implements FillWait {
        private final String key;
        private final CountDownLatch latch = new CountDownLatch(1);

        private Waiter(String key) {
            this.key = key;
        }

        @Override
        public boolean await(Duration timeout) throws InterruptedException {
            return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void close() {
            waiters.computeIfPresent(key, (k, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
