package com.distpatterns.cache.core;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * An instance's copy of hot entries, bounded by entries and bytes (least recently used goes first), and served only
 * while its invalidation channel is known to be live.
 *
 * <p>Two rules keep it from serving a value older than a completed write:
 * <ul>
 *   <li><b>Reserve before read.</b> A reader puts a {@link Reservation} under the key before it asks the shared
 *       store, and its answer is kept only if that same reservation is still there when the answer comes back. Any
 *       invalidation that arrives meanwhile (a write that may have landed after the read) removes the reservation,
 *       so a value read before a write is never stored after the write's invalidation.</li>
 *   <li><b>A lease on the channel.</b> The channel confirms itself by a round trip on the channel itself
 *       ({@link #confirm}): once the answer to a probe sent at time s has come back, every invalidation for a write
 *       completed before s has been applied (one connection delivers in order). Entries are served only while the
 *       last confirmed probe was sent less than {@code maxStaleness} ago, so a write is never hidden for longer than
 *       that, even when the channel stalls without closing.</li>
 * </ul>
 * {@link #invalidateAll} (the channel dropped or was re-established) empties the cache and revokes the lease.
 *
 * <p>Times are {@link System#nanoTime()} values, passed in so that the rules can be tested without waiting.
 */
public final class NearCache {

    /** A reader's claim on a key while it reads the shared store; identity is what counts. */
    public static final class Reservation {
        private Reservation() {}
    }

    /**
     * An entry served from memory.
     *
     * @param json the value's bytes, as stored
     * @param expiresAtNanos the earliest instant the shared store's entry can expire (never later than the real one)
     */
    public record Entry(byte[] json, long expiresAtNanos) {}

    private final int maxEntries;
    private final long maxBytes;
    private final long maxStalenessNanos;
    private final LinkedHashMap<String, Object> slots = new LinkedHashMap<>(256, 0.75f, true);
    private final LongAdder hits = new LongAdder();
    private long bytes;
    private volatile long confirmedAtNanos;
    private volatile boolean confirmed;
    private long epoch;

    public NearCache(int maxEntries, long maxBytes, long maxStalenessNanos) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.maxStalenessNanos = maxStalenessNanos;
    }

    /** The entry under {@code key} if it may be served now: the lease holds and the entry has not expired. */
    public Optional<Entry> lookup(String key, long nowNanos) {
        if (!serving(nowNanos)) {
            return Optional.empty();
        }
        synchronized (this) {
            if (slots.get(key) instanceof Entry entry) {
                if (entry.expiresAtNanos() - nowNanos > 0) {
                    hits.increment();
                    return Optional.of(entry);
                }
                remove(key);
            }
        }
        return Optional.empty();
    }

    /** Claims {@code key} for a read of the shared store; null when another reader already has it. */
    public synchronized Reservation reserve(String key) {
        Object slot = slots.get(key);
        if (slot instanceof Reservation) {
            return null;
        }
        if (slot instanceof Entry entry) {
            bytes -= entry.json().length;
        }
        Reservation reservation = new Reservation();
        slots.put(key, reservation);
        evict();
        return reservation;
    }

    /** Keeps what the reader found, unless the key was invalidated (or evicted) since it was reserved. */
    public synchronized void fill(Reservation reservation, String key, Entry entry) {
        if (slots.get(key) != reservation) {
            return;
        }
        if (entry.json().length > maxBytes) {
            slots.remove(key);
            return;
        }
        slots.put(key, entry);
        bytes += entry.json().length;
        evict();
    }

    /** Gives a reservation up (nothing found, or the read failed). */
    public synchronized void release(Reservation reservation, String key) {
        if (slots.get(key) == reservation) {
            slots.remove(key);
        }
    }

    public synchronized void invalidate(String key) {
        remove(key);
    }

    /** Drops every key the predicate accepts (a flushed cache's entries). */
    public synchronized void invalidateIf(Predicate<String> keys) {
        for (Iterator<Map.Entry<String, Object>> it = slots.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Object> slot = it.next();
            if (keys.test(slot.getKey())) {
                if (slot.getValue() instanceof Entry entry) {
                    bytes -= entry.json().length;
                }
                it.remove();
            }
        }
    }

    /** Empties the cache and revokes the lease: nothing is served until the channel is confirmed again. */
    public synchronized void invalidateAll() {
        confirmed = false;
        epoch++;
        slots.clear();
        bytes = 0;
    }

    /** Changes with every {@link #invalidateAll}: a channel confirms only the epoch it started in. */
    public synchronized long epoch() {
        return epoch;
    }

    /**
     * The channel answered a probe sent at {@code sentAtNanos}: every write completed before it has been applied. Ignored
     * when the cache was emptied since the channel began ({@code channelEpoch} is stale): an answer on a dropped
     * connection must not reopen the lease.
     */
    public synchronized void confirm(long sentAtNanos, long channelEpoch) {
        if (channelEpoch != epoch) {
            return;
        }
        if (!confirmed || sentAtNanos - confirmedAtNanos > 0) {
            confirmedAtNanos = sentAtNanos;
            confirmed = true;
        }
    }

    /** Stops serving at once, keeping the entries (the channel is in doubt but not known to have lost anything). */
    public void revoke() {
        confirmed = false;
    }

    public boolean serving(long nowNanos) {
        return confirmed && nowNanos - confirmedAtNanos < maxStalenessNanos;
    }

    public synchronized int size() {
        int entries = 0;
        for (Object slot : slots.values()) {
            if (slot instanceof Entry) {
                entries++;
            }
        }
        return entries;
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Lookups answered from memory since start. */
    public long hits() {
        return hits.sum();
    }

    private void remove(String key) {
        if (slots.remove(key) instanceof Entry entry) {
            bytes -= entry.json().length;
        }
    }

    /** Least recently used first, until both bounds hold. */
    private void evict() {
        Iterator<Map.Entry<String, Object>> eldest = slots.entrySet().iterator();
        while ((slots.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
            if (eldest.next().getValue() instanceof Entry entry) {
                bytes -= entry.json().length;
            }
            eldest.remove();
        }
    }
}
