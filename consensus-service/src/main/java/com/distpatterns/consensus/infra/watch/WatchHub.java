package com.distpatterns.consensus.infra.watch;

import com.distpatterns.consensus.core.Watch;
import com.distpatterns.consensus.core.WatchMessage;
import com.distpatterns.consensus.core.WatchRequest;
import com.distpatterns.consensus.core.Watches;
import com.distpatterns.consensus.infra.store.ChangePage;
import com.distpatterns.consensus.infra.store.ChangeQuery;
import com.distpatterns.consensus.infra.store.MvccStore;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * This node's watches. The driver only tells it the store and the revision after each Ready ({@link #applied}, a
 * volatile write and an unpark); the hub's own thread reads each new revision's changes from the store's
 * per-revision index, previous values included, and hands them to the synced watchers. Watchers behind (replaying
 * history) read the store themselves on their reader's thread ({@link HubWatch}), so replays never hold up live
 * delivery, and a reader that falls behind is ended with {@code Lagging} instead of holding anything up.
 *
 * <p>Threads: {@link #applied} is the driver's; the dispatcher is the hub's thread; watches are read by any.
 * One lock guards {@code dispatched}, the synced set and every watcher's buffer.
 */
public final class WatchHub implements Watches, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
    /** How long a reader waits before asking again for a store a checkpoint install is replacing. */
    static final long STORE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Events read in one page: by the dispatcher, and by a replaying watcher (at most its buffer's size). */
    private static final int PAGE_EVENTS = 4096;

    private final WatchSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<HubWatch> synced = new LinkedHashSet<>();
    /** Every revision up to this one has been handed to the synced watchers (guarded by the lock). */
    private long dispatched = -1;
    private volatile MvccStore store;
    private volatile long published = -1;
    private volatile boolean running;
    private volatile Thread dispatcher;

    public WatchHub(WatchSettings settings) {
        this.settings = settings;
    }

    WatchSettings settings() {
        return settings;
    }

    /** Driver thread: the store and its revision after a Ready. Returns at once. */
    public void applied(MvccStore store, long revision) {
        this.store = store;
        if (published < 0) {
            lock.lock();
            try {
                dispatched = revision; // what was applied before this start is history, replayed on demand
            } finally {
                lock.unlock();
            }
        }
        if (revision != published) {
            published = revision;
            Thread thread = dispatcher;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    @Override
    public Watch watch(WatchRequest request) {
        lock.lock();
        try {
            long from = request.fromRevision() > 0 ? request.fromRevision() : Math.max(published, 0) + 1;
            HubWatch watch = new HubWatch(this, lock, request, from);
            if (!running && dispatcher != null) {
                watch.abandon();
            }
            return watch;
        } finally {
            lock.unlock();
        }
    }

    /** The revision every synced watcher has been handed (lock held). */
    long dispatched() {
        return Math.max(dispatched, 0);
    }

    /** A watcher caught up (lock held): from now on the dispatcher hands it every revision after {@link #dispatched}. */
    void join(HubWatch watch) {
        if (!running && dispatcher != null) {
            watch.abandon();
        } else {
            synced.add(watch);
        }
    }

    /** A watcher closed (lock held). */
    void leave(HubWatch watch) {
        synced.remove(watch);
    }

    /** Synced watchers now: for tests and logs. */
    public int syncedWatchers() {
        lock.lock();
        try {
            return synced.size();
        } finally {
            lock.unlock();
        }
    }

    /** A replaying watcher's page of history; null while the store is being replaced. */
    ChangePage read(long from, long to, String key, boolean prefix, boolean prevKv) {
        MvccStore current = store;
        int pageEvents = Math.min(PAGE_EVENTS, settings.bufferEvents());
        Optional<ChangePage> page = current == null ? Optional.empty()
                : current.changes(new ChangeQuery(from, to, key, prefix, prevKv, pageEvents));
        return page.orElse(null);
    }

    private void dispatchLoop() {
        while (running) {
            try {
                if (!dispatchOnce()) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                }
            } catch (RuntimeException e) {
                // A store failure stops the driver too; watchers keep what they had and end when the node stops.
                log.error("Watch dispatch failed; retrying in 1 s: {}", e.toString());
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /** Hands the synced watchers the next page of revisions; false when there was nothing to do. */
    private boolean dispatchOnce() {
        long target = published;
        MvccStore current = store;
        long from;
        lock.lock();
        try {
            if (target <= dispatched) {
                return false;
            }
            if (synced.isEmpty()) {
                dispatched = target; // nobody to hand it to; a watcher joining later replays it from the store
                return true;
            }
            from = dispatched + 1;
        } finally {
            lock.unlock();
        }
        Optional<ChangePage> read = current.changes(ChangeQuery.everything(from, target, PAGE_EVENTS));
        if (read.isEmpty()) {
            LockSupport.parkNanos(this, STORE_RETRY_NANOS); // a checkpoint replaced it; the driver tells the new one
            return true;
        }
        ChangePage page = read.get();
        lock.lock();
        try {
            long compacted = page.compactedRevision();
            if (compacted >= from && compacted > 0) {
                endCompacted(compacted, from);
                if (compacted > from) {
                    dispatched = compacted - 1;
                    return true;
                }
            }
            for (WatchMessage.Changes changes : page.changes()) {
                Delivery delivery = new Delivery(changes);
                for (Iterator<HubWatch> it = synced.iterator(); it.hasNext();) {
                    if (!it.next().offer(delivery)) {
                        it.remove();
                    }
                }
            }
            dispatched = page.readTo();
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** The hub fell so far behind that compaction took revisions it had not handed out (lock held). */
    private void endCompacted(long compacted, long from) {
        int ended = 0;
        for (Iterator<HubWatch> it = synced.iterator(); it.hasNext();) {
            HubWatch watch = it.next();
            if (compacted > from || watch.prevKv()) {
                watch.end(new WatchMessage.Compacted(compacted));
                it.remove();
                ended++;
            }
        }
        log.warn("Compaction to revision {} overtook the watch dispatcher at revision {}: {} watchers ended", compacted,
                from, ended);
    }

    @Override
    public void start() {
        running = true;
        Thread thread = Thread.ofPlatform().daemon().name("watch-dispatch").unstarted(this::dispatchLoop);
        dispatcher = thread;
        thread.start();
    }

    /** Stops dispatching and ends every watch (their readers get null and see the watch closed). */
    @Override
    public void stop() {
        running = false;
        Thread thread = dispatcher;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            synced.forEach(HubWatch::abandon);
            synced.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the HTTP streams (which stop first and close their watches), before the web server's graceful shutdown. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }
}
