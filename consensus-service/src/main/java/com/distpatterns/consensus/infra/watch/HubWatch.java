package com.distpatterns.consensus.infra.watch;

import com.distpatterns.consensus.core.Watch;
import com.distpatterns.consensus.core.WatchMessage;
import com.distpatterns.consensus.core.WatchRequest;
import com.distpatterns.consensus.infra.store.ChangePage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One watcher. It starts behind ("unsynced"): its reader replays the history itself, page by page from the
 * store, up to what the hub has dispatched; when nothing is left to replay it joins the hub's synced watchers, in
 * the same hold of the hub's lock in which it found nothing left. The dispatcher hands a revision to the synced
 * watchers and advances {@code dispatched} in one hold of that lock too, so every revision is either replayed (at
 * or below {@code dispatched} when the watcher joined) or dispatched to it (above): never both, never neither.
 *
 * <p>Threads: every field but the constants is guarded by the hub's lock; {@link #next} is called by the one
 * reader, {@link #offer} by the dispatcher.
 */
final class HubWatch implements Watch {

    private final WatchHub hub;
    private final ReentrantLock lock;
    private final Condition ready;
    private final String key;
    private final boolean prefix;
    private final boolean prevKv;
    /** The first revision neither handed nor buffered; what replay reads next while unsynced. */
    private long next;
    private boolean synced;
    private boolean closed;
    private WatchMessage terminal;
    private ArrayDeque<WatchMessage.Changes> buffer;
    private int bufferedEvents;
    /** When the reader was last handed something: progress is due after the interval of silence. */
    private long lastHanded;

    HubWatch(WatchHub hub, ReentrantLock lock, WatchRequest request, long from) {
        this.hub = hub;
        this.lock = lock;
        this.ready = lock.newCondition();
        this.key = request.key();
        this.prefix = request.prefix();
        this.prevKv = request.prevKv();
        this.next = from;
        this.lastHanded = System.nanoTime();
    }

    boolean matches(String k) {
        return prefix ? k.startsWith(key) : k.equals(key);
    }

    boolean prevKv() {
        return prevKv;
    }

    @Override
    public WatchMessage next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closed) {
                    return null;
                }
                WatchMessage.Changes changes = buffer == null ? null : buffer.poll();
                if (changes != null) {
                    bufferedEvents -= changes.events().size();
                    return handed(changes);
                }
                if (terminal != null) {
                    WatchMessage last = terminal;
                    closeLocked();
                    return last;
                }
                long now = System.nanoTime();
                long progressAt = lastHanded + hub.settings().progressInterval().toNanos();
                if (now - progressAt >= 0) {
                    // Never below next - 1: a client that resumed on a node behind it must not see its id go back.
                    return handed(new WatchMessage.Progress(synced ? Math.max(hub.dispatched(), next - 1) : next - 1));
                }
                if (!synced) {
                    if (next > hub.dispatched()) {
                        synced = true;
                        hub.join(this);
                    } else if (!replay(hub.dispatched())) {
                        ready.awaitNanos(Math.min(deadline - now, WatchHub.STORE_RETRY_NANOS));
                    }
                    if (System.nanoTime() - deadline >= 0 && (buffer == null || buffer.isEmpty()) && terminal == null) {
                        return null;
                    }
                    continue;
                }
                if (now - deadline >= 0) {
                    return null;
                }
                ready.awaitNanos(Math.min(deadline, progressAt) - now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reads a page of history into the buffer, the lock released meanwhile; false when the store was being replaced. */
    private boolean replay(long upTo) {
        long from = next;
        ChangePage page;
        lock.unlock();
        try {
            page = hub.read(from, upTo, key, prefix, prevKv);
        } finally {
            lock.lock();
        }
        if (page == null || closed) {
            return page != null;
        }
        long compacted = page.compactedRevision();
        if (compacted > from || (prevKv && compacted == from && compacted > 0)) {
            // At the compacted revision itself only the versions before it are gone: what prevKv would show.
            terminal = new WatchMessage.Compacted(compacted);
            return true;
        }
        if (!page.changes().isEmpty()) {
            buffer().addAll(page.changes());
            page.changes().forEach(c -> bufferedEvents += c.events().size());
        }
        next = page.readTo() + 1;
        return true;
    }

    private WatchMessage handed(WatchMessage message) {
        lastHanded = System.nanoTime();
        return message;
    }

    private ArrayDeque<WatchMessage.Changes> buffer() {
        if (buffer == null) {
            buffer = new ArrayDeque<>(4);
        }
        return buffer;
    }

    /** A revision from the dispatcher (lock held); false when this watcher is no longer synced (ended or lagging). */
    boolean offer(Delivery delivery) {
        if (closed || terminal != null) {
            return false;
        }
        if (delivery.revision() < next) {
            return true; // before the revision it asked to start from
        }
        WatchMessage.Changes share = delivery.share(this);
        if (share == null) {
            return true;
        }
        int events = share.events().size();
        if (buffer != null && !buffer.isEmpty() && bufferedEvents + events > hub.settings().bufferEvents()) {
            end(new WatchMessage.Lagging(buffer.peekFirst().revision()));
            return false;
        }
        buffer().add(share);
        bufferedEvents += events;
        ready.signal();
        return true;
    }

    /** Ends the watch with {@code last} as its final message, dropping what it buffered (lock held). */
    void end(WatchMessage last) {
        if (terminal == null && !closed) {
            terminal = last;
            buffer = null;
            bufferedEvents = 0;
            synced = false;
            ready.signal();
        }
    }

    /** Wakes the reader for good (lock held): the hub stops. */
    void abandon() {
        closeLocked();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeLocked();
            hub.leave(this);
        } finally {
            lock.unlock();
        }
    }

    private void closeLocked() {
        closed = true;
        buffer = null;
        bufferedEvents = 0;
        ready.signalAll();
    }
}
