package com.distpatterns.consensus.core;

import com.distpatterns.consensus.infra.store.MvccStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One node's worth of store for tests of the election recipes without Raft: a real {@link MvccStore} applying
 * each write as the next log entry, the changes each write made kept in memory for watches (whole revisions,
 * history from revision 1), and the store's leases, which live until revoked (expiry is a revoke at a time the
 * test picks).
 * Not a model of the cluster: the process tests run the real thing.
 */
public final class LocalStore implements ReplicatedStore, Watches, Leases, AutoCloseable {

    private final MvccStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<WatchMessage.Changes> history = new ArrayList<>();
    private long index;
    /** Reads of ranges so far: a waiting campaign must not poll. */
    int ranges;

    public LocalStore(Path dir) throws Exception {
        store = MvccStore.open(dir, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
    }

    @Override
    public CompletableFuture<Applied> write(KvCommand command) {
        lock.lock();
        try {
            long before = store.revision();
            Outcome outcome = store.apply(++index, command);
            if (outcome instanceof Outcome.LeaseMissing missing) {
                return CompletableFuture.failedFuture(new LeaseNotFoundException(missing.id())); // as the driver answers
            }
            if (store.revision() > before) {
                record(command, outcome);
            }
            return CompletableFuture.completedFuture(new Applied(outcome, 1));
        } finally {
            lock.unlock();
        }
    }

    private void record(KvCommand command, Outcome outcome) {
        List<WatchEvent> events = new ArrayList<>();
        if (command instanceof KvCommand.Txn txn && outcome instanceof Outcome.Txn done) {
            List<TxnOp> ops = done.succeeded() ? txn.success() : txn.failure();
            for (int i = 0; i < ops.size(); i++) {
                switch (ops.get(i)) {
                    case TxnOp.Put put -> events.add(
                            new WatchEvent(WatchEvent.Type.PUT, ((OpResult.Put) done.results().get(i)).kv(), null));
                    case TxnOp.Delete delete -> {
                        if (((OpResult.Deleted) done.results().get(i)).deleted() > 0) {
                            events.add(deleted(delete.key(), done.revision()));
                        }
                    }
                    default -> {
                    }
                }
            }
        } else if (outcome instanceof Outcome.LeaseRevoked revoked) {
            revoked.keys().forEach(key -> events.add(deleted(key, revoked.revision())));
        } else if (command instanceof KvCommand.Delete delete) {
            events.add(deleted(delete.key(), outcome.revision()));
        } else if (command instanceof KvCommand.Put put) {
            events.add(new WatchEvent(WatchEvent.Type.PUT, ((Outcome.Put) outcome).kv(), null));
        } else {
            throw new IllegalArgumentException(
                    "this test store watches puts, deletes and transactions only: " + command);
        }
        history.add(new WatchMessage.Changes(outcome.revision(), events));
        changed.signalAll();
    }

    private static WatchEvent deleted(String key, long revision) {
        return new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, new byte[0], 0, revision, 0), null);
    }

    @Override
    public CompletableFuture<Optional<Versioned>> read(String key, ReadConsistency consistency) {
        return CompletableFuture.completedFuture(store.get(key).map(KeyValue::versioned));
    }

    @Override
    public CompletableFuture<KeyRead> get(String key, long revision, ReadConsistency consistency) {
        return CompletableFuture.completedFuture(
                new KeyRead(store.get(key, revision == 0 ? Long.MAX_VALUE : revision), store.revision(), 1));
    }

    @Override
    public CompletableFuture<RangeRead> range(RangeQuery q, ReadConsistency consistency) {
        lock.lock();
        try {
            ranges++;
            long at = q.revision() == 0 ? store.revision() : q.revision();
            KvRange page = store.range(q.from(), q.to(), q.start(), at, q.limit(), q.keysOnly(), q.countOnly());
            return CompletableFuture.completedFuture(new RangeRead(page, at, 1));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Watch watch(WatchRequest request) {
        lock.lock();
        try {
            long from = request.fromRevision() == 0 ? store.revision() + 1 : request.fromRevision();
            return new LocalWatch(request, from);
        } finally {
            lock.unlock();
        }
    }

    /** Reads the kept history from {@code from} on, blocking for more; never lags, never compacted. */
    private final class LocalWatch implements Watch {
        private final WatchRequest request;
        private long from;
        private volatile boolean closed;

        LocalWatch(WatchRequest request, long from) {
            this.request = request;
            this.from = from;
        }

        @Override
        public WatchMessage next(Duration timeout) throws InterruptedException {
            long left = timeout.toNanos();
            lock.lock();
            try {
                while (!closed) {
                    for (WatchMessage.Changes changes : history) {
                        if (changes.revision() >= from) {
                            from = changes.revision() + 1;
                            List<WatchEvent> mine = changes.events().stream().filter(e -> matches(e.kv().key()))
                                    .toList();
                            if (!mine.isEmpty()) {
                                return new WatchMessage.Changes(changes.revision(), mine);
                            }
                        }
                    }
                    if (left <= 0) {
                        return null;
                    }
                    left = changed.awaitNanos(left);
                }
                return null;
            } finally {
                lock.unlock();
            }
        }

        private boolean matches(String key) {
            return request.prefix() ? key.startsWith(request.key()) : key.equals(request.key());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Override
    public CompletableFuture<Lease> grant(long ttlSeconds) {
        return write(new KvCommand.LeaseGrant(ttlSeconds)).thenApply(applied -> {
            Outcome.LeaseGranted granted = (Outcome.LeaseGranted) applied.outcome();
            return new Lease(granted.id(), ttlSeconds, ttlSeconds, List.of());
        });
    }

    @Override
    public CompletableFuture<Lease> keepAlive(long id) {
        return get(id);
    }

    @Override
    public CompletableFuture<Lease> get(long id) {
        return store.leaseTtl(id)
                .map(ttl -> CompletableFuture.completedFuture(new Lease(id, ttl, ttl, store.leaseKeys(id))))
                .orElseGet(() -> CompletableFuture.failedFuture(new LeaseNotFoundException(id)));
    }

    /** Revokes as expiry would: the lease's keys go in one revision. */
    @Override
    public CompletableFuture<Long> revoke(long id) {
        return write(new KvCommand.LeaseRevoke(id, 0)).thenApply(applied -> applied.outcome().revision());
    }

    @Override
    public long[] revisions() {
        return new long[] {store.revision(), store.compactedRevision()};
    }

    @Override
    public CompletableFuture<ClusterStatus> status() {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<ClusterStatus> addMember(long id, String address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<ClusterStatus> removeMember(long id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isServing() {
        return true;
    }

    @Override
    public boolean isStorageFailed() {
        return false;
    }

    @Override
    public void close() {
        store.close();
    }
}
