package com.distpatterns.cache.core;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * An instance's copy of hot entries, bounded by entries and bytes, and served only while its invalidation channel is
 * known to be live.
 *
 * <p>A hit takes no lock and writes nothing shared but a hit counter (and, once per sweep of the clock, the entry's
 * reference bit): the slots are a {@link ConcurrentHashMap}, and eviction is CLOCK, an approximate least recently used
 * (an entry looked up since the hand last passed it gets a second chance). Every change to the slots (reserve, fill,
 * release, invalidations, eviction) still happens under the instance's lock, so the rules below read as before; a
 * lookup sees either the slot before such a change or after it. (An access-ordered {@code LinkedHashMap} under one
 * lock made every hit a write to the shared list under that lock.)
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

    /** A kept entry in the slots and on the clock; a slot holds either this or a {@link Reservation}. */
    private static final class Kept {
        final String key;
        final Entry entry;
        /**
         * Looked up since the clock's hand last passed. Written racily by readers: a lost write costs at most an early
         * eviction, never a wrong answer.
         */
        boolean referenced;

        Kept(String key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }
    }

    /** The clock may hold this many stale nodes (invalidated, replaced) per kept entry before it is compacted. */
    private static final int STALE_PER_ENTRY = 1;
    private static final int STALE_SLACK = 64;

    private final int maxEntries;
    private final long maxBytes;
    private final long maxStalenessNanos;
    private final ConcurrentHashMap<String, Object> slots = new ConcurrentHashMap<>(256);
    /** Kept entries in the order the hand visits them; may hold stale nodes, skipped when the hand reaches them. */
    private final ArrayDeque<Kept> clock = new ArrayDeque<>();
    private final LongAdder hits = new LongAdder();
    private int entries;
    private long bytes;
    private volatile long confirmedAtNanos;
    private volatile boolean confirmed;
    private long epoch;

    public NearCache(int maxEntries, long maxBytes, long maxStalenessNanos) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.maxStalenessNanos = maxStalenessNanos;
    }

    /**
     * The entry under {@code key} if it may be served now: the lease holds and the entry has not expired. Takes no lock
     * unless the entry has expired.
     */
    public Optional<Entry> lookup(String key, long nowNanos) {
        if (!serving(nowNanos)) {
            return Optional.empty();
        }
        if (slots.get(key) instanceof Kept kept) {
            if (kept.entry.expiresAtNanos() - nowNanos > 0) {
                if (!kept.referenced) {
                    kept.referenced = true;
                }
                hits.increment();
                return Optional.of(kept.entry);
            }
            synchronized (this) {
                if (slots.get(key) == kept) {
                    drop(kept);
                }
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
        if (slot instanceof Kept kept) {
            forget(kept);
        }
        Reservation reservation = new Reservation();
        slots.put(key, reservation);
        return reservation;
    }

    /** Keeps what the reader found, unless the key was invalidated since it was reserved. */
    public synchronized void fill(Reservation reservation, String key, Entry entry) {
        if (slots.get(key) != reservation) {
            return;
        }
        if (entry.json().length > maxBytes) {
            slots.remove(key);
            return;
        }
        slots.remove(key);
        makeRoom(entry.json().length);
        Kept kept = new Kept(key, entry);
        slots.put(key, kept);
        entries++;
        bytes += entry.json().length;
        clock.addLast(kept);
        if (clock.size() > (1 + STALE_PER_ENTRY) * entries + STALE_SLACK) {
            clock.removeIf(node -> slots.get(node.key) != node);
        }
    }

    /** Gives a reservation up (nothing found, or the read failed). */
    public synchronized void release(Reservation reservation, String key) {
        slots.remove(key, reservation);
    }

    public synchronized void invalidate(String key) {
        Object slot = slots.remove(key);
        if (slot instanceof Kept kept) {
            forget(kept);
        }
    }

    /** Drops every key the predicate accepts (a flushed cache's entries). */
    public synchronized void invalidateIf(Predicate<String> keys) {
        for (Iterator<Map.Entry<String, Object>> it = slots.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Object> slot = it.next();
            if (keys.test(slot.getKey())) {
                if (slot.getValue() instanceof Kept kept) {
                    forget(kept);
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
        clock.clear();
        entries = 0;
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

    /** Entries kept (reservations not counted). */
    public synchronized int size() {
        return entries;
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Lookups answered from memory since start. */
    public long hits() {
        return hits.sum();
    }

    /** Removes a kept entry that is still in its slot. */
    private void drop(Kept kept) {
        slots.remove(kept.key, kept);
        forget(kept);
    }

    /** Takes a kept entry, already out of its slot or about to be, off the counts; its clock node goes stale. */
    private void forget(Kept kept) {
        entries--;
        bytes -= kept.entry.json().length;
    }

    /**
     * CLOCK, before an entry of {@code size} bytes goes in: the hand takes the oldest node; an entry looked up since
     * its last pass goes to the back with its bit cleared, any other is evicted, until the new entry fits both bounds.
     * Room is made first so that the new entry, not yet looked up, is never its own victim. Each node gets at most one
     * second chance per call, so readers setting bits meanwhile cannot keep the hand going round.
     */
    private void makeRoom(int size) {
        int chances = clock.size();
        while (entries + 1 > maxEntries || bytes + size > maxBytes) {
            Kept candidate = clock.pollFirst();
            if (candidate == null) {
                return;
            }
            if (slots.get(candidate.key) != candidate) {
                continue;
            }
            if (candidate.referenced && chances-- > 0) {
                candidate.referenced = false;
                clock.addLast(candidate);
                continue;
            }
            drop(candidate);
        }
    }
}
