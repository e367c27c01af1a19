package com.distpatterns.lock.infra;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Confirms that a write reached replicas ({@code WAIT}) before the service vouches for it, as Redisson's
 * {@code syncSlaves} does. {@code WAIT} counts the writes of the connection it runs on, so the write and the
 * {@code WAIT} share a dedicated connection, never the multiplexed one every request uses (where a blocking
 * {@code WAIT} would also stall everyone else).
 */
public final class ReplicaAcknowledgement implements DisposableBean {

    private final LettuceConnectionFactory dedicatedConnections;
    private final BlockingQueue<RedisConnection> idle;
    private final int replicas;
    private final Duration timeout;
    private final Duration borrowTimeout;

    /**
     * @param dedicatedConnections a factory whose connections are not shared (one native connection each)
     * @param poolSize how many grants may wait for replicas at once
     */
    public ReplicaAcknowledgement(LettuceConnectionFactory dedicatedConnections, int poolSize, int replicas,
            Duration timeout) {
        this.dedicatedConnections = dedicatedConnections;
        this.idle = new ArrayBlockingQueue<>(poolSize);
        this.replicas = replicas;
        this.timeout = timeout;
        this.borrowTimeout = timeout.plusSeconds(1);
        for (int i = 0; i < poolSize; i++) {
            idle.add(dedicatedConnections.getConnection());
        }
    }

    <T> T withConnection(Function<RedisConnection, T> work) {
        RedisConnection connection;
        try {
            connection = idle.poll(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Redis connection", e);
        }
        if (connection == null) {
            throw new IllegalStateException("every dedicated Redis connection is busy waiting for replicas");
        }
        boolean healthy = false;
        try {
            T result = work.apply(connection);
            healthy = true;
            return result;
        } finally {
            if (!healthy) {
                // After a failure the connection's state is unknown: replace it rather than reuse it.
                connection.close();
                connection = dedicatedConnections.getConnection();
            }
            idle.add(connection);
        }
    }

    /** Whether enough replicas acknowledged every write this connection made so far. */
    boolean confirm(RedisConnection connection) {
        // Lettuce's own WAIT: Spring's generic execute() cannot read WAIT's integer reply.
        RedisClusterAsyncCommands<?, ?> commands = (RedisClusterAsyncCommands<?, ?>) connection.getNativeConnection();
        try {
            Long acknowledged = commands.waitForReplication(replicas, Math.max(1, timeout.toMillis()))
                    .get(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return acknowledged != null && acknowledged >= replicas;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("WAIT failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        RedisConnection connection;
        while ((connection = idle.poll()) != null) {
            connection.close();
        }
        dedicatedConnections.destroy();
    }
}
