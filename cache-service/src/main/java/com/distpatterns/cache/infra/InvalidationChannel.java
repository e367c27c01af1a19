package com.distpatterns.cache.infra;

import com.distpatterns.cache.core.NearCache;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The near cache's invalidation channel: one RESP3 connection per instance in broadcasting tracking mode
 * ({@code CLIENT TRACKING ON BCAST PREFIX <key prefix>}), on which Redis pushes the name of every key under the prefix
 * that any client changes (written, deleted, expired, evicted), or null after a FLUSHALL.
 *
 * <p>Broadcasting rather than default tracking: reads go through the shared Spring connection and Lua scripts, and
 * broadcasting needs no read to be made on this connection and no per-key memory in Redis.
 *
 * <p>{@link #tick} runs every {@code maxStaleness / 4}: it (re)connects when there is no live connection, and
 * otherwise sends a PING whose answer confirms the near cache's lease (so a stalled connection stops serving within
 * {@code maxStaleness}). A dropped or killed connection empties the near cache at once (disconnect listener), as does a
 * PING unanswered for the command timeout (at least 2 s); a new connection empties it again once tracking is on.
 */
public final class InvalidationChannel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InvalidationChannel.class);
    private static final Duration MIN_DEAD_AFTER = Duration.ofSeconds(2);

    private final NearCache near;
    private final RedisClient client;
    private final RedisURI uri;
    private final String keyPrefix;
    private final String clientName;
    private final Duration deadAfter;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile long clientId = -1;
    private volatile long channelEpoch;
    private volatile boolean probing;
    private boolean warnedDown;

    public InvalidationChannel(NearCache near, ClientResources resources, RedisURI uri, String keyPrefix,
            String clientName) {
        this.near = near;
        this.uri = uri;
        this.keyPrefix = keyPrefix;
        this.clientName = clientName;
        Duration timeout = uri.getTimeout();
        this.deadAfter = timeout.compareTo(MIN_DEAD_AFTER) > 0 ? timeout : MIN_DEAD_AFTER;
        this.client = resources == null ? RedisClient.create() : RedisClient.create(resources);
        // Reconnecting is ours to do: a reconnected connection has lost its tracking state and must empty the cache first.
        this.client.setOptions(ClientOptions.builder()
                .protocolVersion(ProtocolVersion.RESP3)
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        this.client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler == connection) {
                    near.invalidateAll();
                    log.warn("Near cache emptied: its invalidation connection to Redis dropped");
                }
            }
        });
    }

    /** Connects when needed, otherwise probes the live connection; called on one scheduler thread. */
    public void tick() {
        StatefulRedisConnection<byte[], byte[]> current = connection;
        if (current == null || !current.isOpen()) {
            connect();
            return;
        }
        if (probing) {
            return; // a slow answer only lets the lease lapse; the command timeout decides when the connection is dead
        }
        probing = true;
        long sentAt = System.nanoTime();
        long epoch = channelEpoch;
        current.async().ping().whenComplete((pong, failure) -> {
            probing = false;
            if (failure == null) {
                near.confirm(sentAt, epoch);
            } else if (connection == current) {
                log.warn("Near cache emptied: its invalidation connection failed a PING ({})", failure.getMessage());
                drop(current);
            }
        });
    }

    private void connect() {
        StatefulRedisConnection<byte[], byte[]> fresh = null;
        try {
            fresh = client.connect(ByteArrayCodec.INSTANCE, uri);
            fresh.addListener(this::onPush);
            fresh.setTimeout(deadAfter);
            fresh.sync().clientSetname(clientName.getBytes(StandardCharsets.UTF_8));
            fresh.sync()
                    .clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(StandardCharsets.UTF_8, keyPrefix));
            long id = fresh.sync().clientId();
            // Tracking is on: from here every change reaches us. What was cached before may have missed changes.
            near.invalidateAll();
            channelEpoch = near.epoch();
            probing = false;
            connection = fresh;
            clientId = id;
            warnedDown = false;
            log.info("Near cache invalidation channel up (Redis client id {}, prefix '{}')", id, keyPrefix);
        } catch (RuntimeException e) {
            if (fresh != null) {
                fresh.closeAsync();
            }
            if (!warnedDown) {
                log.warn("Near cache off until its invalidation channel connects: {}", e.getMessage());
                warnedDown = true;
            }
        }
    }

    private void drop(StatefulRedisConnection<byte[], byte[]> current) {
        near.invalidateAll();
        connection = null;
        clientId = -1;
        current.closeAsync();
    }

    private void onPush(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StandardCharsets.ISO_8859_1::decode);
        Object keys = content.size() > 1 ? content.get(1) : null;
        if (!(keys instanceof List<?> names)) {
            near.invalidateAll(); // FLUSHALL / FLUSHDB: everything may be gone
            return;
        }
        for (Object name : names) {
            near.invalidate(name instanceof CharSequence text ? text.toString() : keyOf(name));
        }
    }

    private static String keyOf(Object name) {
        if (name instanceof ByteBuffer buffer) {
            return StandardCharsets.ISO_8859_1.decode(buffer).toString();
        }
        return name instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(name);
    }

    /** The Redis client id of the live tracking connection, -1 while there is none (tests kill it by this id). */
    public long clientId() {
        return clientId;
    }

    @Override
    public void close() {
        StatefulRedisConnection<byte[], byte[]> current = connection;
        connection = null;
        if (current != null) {
            current.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
