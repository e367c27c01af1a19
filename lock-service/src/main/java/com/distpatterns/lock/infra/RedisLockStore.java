package com.distpatterns.lock.infra;

import com.distpatterns.lock.core.AcquireAttempt;
import com.distpatterns.lock.core.FencingToken;
import com.distpatterns.lock.core.HandOff;
import com.distpatterns.lock.core.HeldLock;
import com.distpatterns.lock.core.HeldLockPage;
import com.distpatterns.lock.core.LeaseId;
import com.distpatterns.lock.core.LockLease;
import com.distpatterns.lock.core.LockStatus;
import com.distpatterns.lock.core.LockStore;
import com.distpatterns.lock.core.LockStoreUnavailableException;
import com.distpatterns.lock.core.Waiter;
import com.distpatterns.lock.core.WaiterId;
import com.distpatterns.lock.core.WaitingRoom;
import com.distpatterns.platform.redis.RedisKeyScan;
import com.distpatterns.platform.redis.ScriptReply;
import com.distpatterns.platform.service.ScriptErrors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.ScanOptions;

/**
 * The lock's state in Redis, every operation one Lua script. Per lock: a hash holding the lease (with a TTL),
 * a counter holding the last fencing token (no TTL, so tokens never go back), a list of queued waiter ids,
 * and one short-lived presence hash per waiter: the lease to grant it and the instance to tell.
 */
public final class RedisLockStore implements LockStore {

    private static final Logger log = LoggerFactory.getLogger(RedisLockStore.class);

    private static final AsyncLuaScript ACQUIRE = AsyncLuaScript.load("acquire");
    private static final AsyncLuaScript RENEW = AsyncLuaScript.load("renew");
    private static final AsyncLuaScript RELEASE = AsyncLuaScript.load("release");
    private static final AsyncLuaScript STATUS = AsyncLuaScript.load("status");
    private static final AsyncLuaScript HELD = AsyncLuaScript.load("held");
    private static final String LEASE_SUFFIX = "}:lease";
    private static final byte[] NO_WAITER = new byte[0];

    private final RedisConnectionFactory connections;
    private final String keyPrefix;
    private final byte[] wakeChannelPrefix;
    private final byte[] instanceId;
    private final WaitingRoom waitingRoom;
    private final ReplicaAcknowledgement replicaAcknowledgement;
    /** Logs the outage once when it starts and once when it ends, not once per request. */
    private final AtomicBoolean reachable = new AtomicBoolean(true);

    /**
     * @param keyPrefix put before every key and channel, so several deployments (or test runs) can share a Redis
     * @param instanceId this instance, as its waiters name it in the queue
     * @param waitingRoom where a release hands the lock to a waiter of this instance without going through pub/sub
     * @param replicaAcknowledgement when not null, grants and renewals are confirmed by replicas before answering
     */
    public RedisLockStore(RedisConnectionFactory connections, String keyPrefix, String instanceId,
            WaitingRoom waitingRoom,
            ReplicaAcknowledgement replicaAcknowledgement) {
        this.connections = connections;
        this.keyPrefix = keyPrefix;
        this.wakeChannelPrefix = LockKeys.bytes(wakeChannelPrefix(keyPrefix));
        this.instanceId = LockKeys.bytes(instanceId);
        this.waitingRoom = waitingRoom;
        this.replicaAcknowledgement = replicaAcknowledgement;
    }

    /** The channel on which an instance hears that the lock its waiter queues for was freed. */
    public static String wakeChannel(String keyPrefix, String instanceId) {
        return wakeChannelPrefix(keyPrefix) + instanceId;
    }

    private static String wakeChannelPrefix(String keyPrefix) {
        return keyPrefix + "lock-wake:";
    }

    @Override
    public AcquireAttempt tryAcquire(String name, LeaseId leaseId, Duration ttl, String owner, Waiter waiter) {
        LockKeys keys = LockKeys.of(keyPrefix, name);
        byte[][] keysAndArgs = {
                keys.lease(), keys.fence(), keys.queue(),
                LockKeys.bytes(leaseId.value()), millis(ttl), LockKeys.bytes(owner == null ? "" : owner),
                keys.waiterPrefix(),
                waiter == null ? NO_WAITER : LockKeys.bytes(waiter.id().value()),
                waiter == null ? NO_WAITER : LockKeys.bytes(waiter.instanceId()),
                waiter == null ? NO_WAITER : millis(waiter.presenceTtl())};
        return grantOperation("acquire", connection -> {
            ScriptReply reply = ACQUIRE.run(connection, 3, keysAndArgs);
            if (reply.number("granted") == 1) {
                LockLease lease = lease(name, leaseId, reply);
                confirmReplicated(connection, () -> endLease(connection, keys, leaseId, null));
                log.debug("Granted lock {} token {} to lease {}", name, lease.fencingToken().value(),
                        leaseId.fingerprint());
                return new AcquireAttempt.Granted(lease);
            }
            long remaining = reply.number("remainingMs");
            String holderOwner = reply.text("owner");
            return new AcquireAttempt.Busy(remaining < 0 ? null : Duration.ofMillis(remaining),
                    reply.number("head") == 1,
                    holderOwner.isEmpty() ? null : holderOwner);
        });
    }

    @Override
    public Optional<LockLease> renew(String name, LeaseId leaseId, Duration ttl) {
        LockKeys keys = LockKeys.of(keyPrefix, name);
        return grantOperation("renew", connection -> {
            ScriptReply reply = RENEW.run(connection, 1, keys.lease(), LockKeys.bytes(leaseId.value()),
                    ttl == null ? NO_WAITER : millis(ttl));
            if (reply.number("renewed") != 1) {
                return Optional.<LockLease>empty();
            }
            // Not undone when unconfirmed: the lease the client already had stays at least as long as before.
            confirmReplicated(connection, null);
            return Optional.of(lease(name, leaseId, reply));
        });
    }

    @Override
    public boolean release(String name, LeaseId leaseId) {
        LockKeys keys = LockKeys.of(keyPrefix, name);
        return operation("release", connection -> endLease(connection, keys, leaseId, null).number("released") == 1);
    }

    @Override
    public Optional<LockLease> withdraw(String name, WaiterId waiter, LeaseId leaseId) {
        LockKeys keys = LockKeys.of(keyPrefix, name);
        return operation("withdraw", connection -> {
            ScriptReply reply = endLease(connection, keys, leaseId, waiter);
            return reply.number("released") == 1 ? Optional.of(lease(name, leaseId, reply))
                    : Optional.<LockLease>empty();
        });
    }

    /**
     * {@code release.lua}: by the holder ({@code waiter} null), or by a waiter that gives up. A hand-off to a waiter
     * of this instance comes back in the reply instead of over pub/sub, and is delivered here.
     */
    private ScriptReply endLease(RedisConnection connection, LockKeys keys, LeaseId leaseId, WaiterId waiter) {
        ScriptReply reply = RELEASE.run(connection, 3, keys.lease(), keys.fence(), keys.queue(),
                LockKeys.bytes(leaseId.value()), keys.waiterPrefix(), wakeChannelPrefix,
                waiter == null ? NO_WAITER : LockKeys.bytes(waiter.value()), instanceId);
        if (reply.has("handedTo")) {
            // A waiter that already left is not found: its withdrawal, which comes after this in Redis, keeps the lease.
            waitingRoom.deliver(
                    new HandOff(new WaiterId(reply.text("handedTo")), new FencingToken(reply.number("handedToken")),
                            Instant.ofEpochMilli(reply.number("handedExpiresAt"))));
        }
        return reply;
    }

    /** Reads a hand-off announcement, as {@code release.lua} publishes it: waiter id, token, expiry (epoch ms). */
    public static HandOff parseHandOff(String message) {
        String[] parts = message.split(" ");
        return new HandOff(new WaiterId(parts[0]), new FencingToken(Long.parseLong(parts[1])),
                Instant.ofEpochMilli(Long.parseLong(parts[2])));
    }

    @Override
    public LockLease confirmHandOff(LockLease lease) {
        if (replicaAcknowledgement == null) {
            return lease;
        }
        // The hand-off was written by the releasing caller's connection; a renewal written on ours comes after it
        // in the replication stream, so replicas that acknowledge the renewal have the hand-off too.
        LockKeys keys = LockKeys.of(keyPrefix, lease.name());
        return grantOperation("hand-off", connection -> {
            ScriptReply reply = RENEW.run(connection, 1, keys.lease(), LockKeys.bytes(lease.leaseId().value()),
                    NO_WAITER);
            if (reply.number("renewed") != 1) {
                throw new LockStoreUnavailableException(
                        "The lock handed to this request was lost before replicas confirmed it;"
                                + " nothing was granted. Try again.",
                        null);
            }
            confirmReplicated(connection, () -> endLease(connection, keys, lease.leaseId(), null));
            return lease(lease.name(), lease.leaseId(), reply);
        });
    }

    @Override
    public LockStatus status(String name) {
        LockKeys keys = LockKeys.of(keyPrefix, name);
        return operation("status", connection -> {
            ScriptReply reply = STATUS.run(connection, 2, keys.lease(), keys.fence());
            long token = reply.number("token");
            FencingToken fencingToken = token > 0 ? new FencingToken(token) : null;
            if (reply.number("held") == 1) {
                String owner = reply.text("owner");
                return new LockStatus(name, true, owner.isEmpty() ? null : owner, fencingToken,
                        Instant.ofEpochMilli(reply.number("expiresAt")));
            }
            return new LockStatus(name, false, null, fencingToken, null);
        });
    }

    /**
     * SCANs the lease keys (never KEYS: Redis serves others between batches; on Cluster every master in turn) and
     * keeps only the {@code limit + 1} first names after {@code after}, so memory stays bounded however many are held.
     */
    @Override
    public HeldLockPage held(String prefix, String after, int limit) {
        String keyHead = keyPrefix + "lock:{";
        ScanOptions scan = ScanOptions.scanOptions()
                .match(RedisKeyScan.globEscape(keyHead + prefix) + "*" + LEASE_SUFFIX).count(500).build();
        return operation("list", connection -> {
            TreeSet<String> names = new TreeSet<>();
            Consumer<byte[]> collect = key -> {
                String text = new String(key, StandardCharsets.UTF_8);
                if (!text.startsWith(keyHead) || !text.endsWith(LEASE_SUFFIX)) {
                    return;
                }
                String name = text.substring(keyHead.length(), text.length() - LEASE_SUFFIX.length());
                if ((after == null || name.compareTo(after) > 0) && name.startsWith(prefix)) {
                    names.add(name);
                    if (names.size() > limit + 1) {
                        names.pollLast();
                    }
                }
            };
            RedisKeyScan.forEach(connection, scan, collect);
            boolean more = names.size() > limit;
            if (more) {
                names.pollLast();
            }
            List<HeldLock> locks = new ArrayList<>(names.size());
            for (String name : names) {
                LockKeys keys = LockKeys.of(keyPrefix, name);
                ScriptReply reply = HELD.run(connection, 2, keys.lease(), keys.queue());
                if (reply.number("held") == 1) { // not released between the scan and now
                    String owner = reply.text("owner");
                    locks.add(
                            new HeldLock(name, owner.isEmpty() ? null : owner, new FencingToken(reply.number("token")),
                                    Instant.ofEpochMilli(reply.number("expiresAt")), reply.number("waiting")));
                }
            }
            return new HeldLockPage(locks, more ? names.last() : null);
        });
    }

    private LockLease lease(String name, LeaseId leaseId, ScriptReply reply) {
        return new LockLease(name, leaseId, new FencingToken(reply.number("token")),
                Instant.ofEpochMilli(reply.number("expiresAt")));
    }

    /** With replica acknowledgement on, grants run on a dedicated connection: WAIT counts that connection's writes. */
    private <T> T grantOperation(String what, Function<RedisConnection, T> work) {
        return replicaAcknowledgement == null ? operation(what, work)
                : run(what, () -> replicaAcknowledgement.withConnection(work));
    }

    private <T> T operation(String what, Function<RedisConnection, T> work) {
        return run(what, () -> {
            try (RedisConnection connection = connections.getConnection()) {
                return work.apply(connection);
            }
        });
    }

    private <T> T run(String what, Supplier<T> call) {
        try {
            T result = call.get();
            markReachable();
            return result;
        } catch (LockStoreUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(what, e);
        }
    }

    private void confirmReplicated(RedisConnection connection, Runnable undo) {
        if (replicaAcknowledgement == null || replicaAcknowledgement.confirm(connection)) {
            return;
        }
        if (undo != null) {
            undo.run();
        }
        throw new LockStoreUnavailableException(
                "No Redis replica confirmed the write in time, so a failover could lose it;"
                        + " nothing was granted. Try again shortly.",
                null);
    }

    private void markReachable() {
        if (!reachable.get() && reachable.compareAndSet(false, true)) {
            log.info("Redis reachable again; locks are served");
        }
    }

    private RuntimeException unavailable(String what, RuntimeException e) {
        if (ScriptErrors.isScriptError(e)) {
            // A script that fails to run is a bug here, not an outage: let it surface as one. Other server errors
            // (READONLY after a failover, LOADING, OOM, BUSY...) mean the store cannot serve now.
            return e;
        }
        if (reachable.compareAndSet(true, false)) {
            log.warn("Redis unreachable (first failure during {}: {}); answering 503 until it is back", what,
                    e.getMessage());
        }
        return new LockStoreUnavailableException(
                "Redis, which holds the locks, is unreachable or too slow; nothing was granted or"
                        + " changed. Try again shortly.",
                e);
    }

    private static byte[] millis(Duration duration) {
        return LockKeys.bytes(Long.toString(duration.toMillis()));
    }
}
