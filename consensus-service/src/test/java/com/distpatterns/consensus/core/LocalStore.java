package com.distpatterns.consensus.core;

import com.distpatterns.consensus.infra.store.MvccStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One node's worth of store for tests of the election recipes without Raft: a real {@link MvccStore} applying
 * each write as the next log entry, the changes each write made kept in memory for watches (whole revisions,
 * history from revision 1), and leases that live until revoked (expiry is a revoke at a time the test picks).
 * Not a model of the cluster: the process tests run the real thing.
 */
final class LocalStore implements ReplicatedStore, Watches, Leases, AutoCloseable {

    private final MvccStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<WatchMessage.Changes> history = new ArrayList<>();
    private final Map<Long, Set<String>> leases = new HashMap<>();
    private long index;
    private long nextLease = 0x1000;
    /** Reads of ranges so far: a waiting campaign must not poll. */
    int ranges;

    LocalStore(Path dir) throws Exception {
        store = MvccStore.open(dir, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
    }

    @Override
    public CompletableFuture<Applied> write(KvCommand command) {
        lock.lock();
        try {
            if (command instanceof KvCommand.Txn txn) {
                for (TxnOp op : txn.success()) {
                    if (op instanceof TxnOp.Put put && put.lease() != 0 && !leases.containsKey(put.lease())) {
                        return CompletableFuture.failedFuture(new LeaseNotFoundException(put.lease()));
                    }
                }
            }
            long before = store.revision();
            Outcome outcome = store.apply(++index, command);
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
                    case TxnOp.Put put -> {
                        KeyValue kv = ((OpResult.Put) done.results().get(i)).kv();
                        KeyValue leased = new KeyValue(kv.key(), kv.value(), kv.createRevision(), kv.modRevision(), kv.version(), put.lease());
                        if (put.lease() != 0) {
                            leases.get(put.lease()).add(put.key());
                        }
                        events.add(new WatchEvent(WatchEvent.Type.PUT, leased, null));
                    }
                    case TxnOp.Delete delete -> {
                        if (((OpResult.Deleted) done.results().get(i)).deleted() > 0) {
                            events.add(deleted(delete.key(), done.revision()));
                        }
                    }
                    default -> {
                    }
                }
            }
        } else if (command instanceof KvCommand.Delete delete) {
            events.add(deleted(delete.key(), outcome.revision()));
        } else if (command instanceof KvCommand.Put put) {
            events.add(new WatchEvent(WatchEvent.Type.PUT, ((Outcome.Put) outcome).kv(), null));
        } else {
            throw new IllegalArgumentException("this test store watches puts, deletes and transactions only: " + command);
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
        return CompletableFuture.completedFuture(new KeyRead(store.get(key, revision == 0 ? Long.MAX_VALUE : revision), store.revision(), 1));
    }

    @Override
    public CompletableFuture<RangeRead> range(RangeQuery q, ReadConsistency consistency) {
        lock.lock();
        try {
            ranges++;
            long at = q.revision() == 0 ? store.revision() : q.revision();
            KvRange page = store.range(q.from(), q.to(), q.start(), at, q.limit(), q.keysOnly(), q.countOnly());
            List<KeyValue> kvs = page.kvs().stream().map(kv -> new KeyValue(kv.key(), kv.value(), kv.createRevision(),
                    kv.modRevision(), kv.version(), leaseOf(kv.key()))).toList();
            return CompletableFuture.completedFuture(new RangeRead(new KvRange(kvs, page.count(), page.next()), at, 1));
        } finally {
            lock.unlock();
        }
    }

    private long leaseOf(String key) {
        return leases.entrySet().stream().filter(e -> e.getValue().contains(key)).mapToLong(Map.Entry::getKey).findFirst().orElse(0);
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
                            List<WatchEvent> mine = changes.events().stream().filter(e -> matches(e.kv().key())).toList();
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
        lock.lock();
        try {
            long id = nextLease++;
            leases.put(id, new LinkedHashSet<>());
            return CompletableFuture.completedFuture(new Lease(id, ttlSeconds, ttlSeconds, List.of()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Lease> keepAlive(long id) {
        return get(id);
    }

    @Override
    public CompletableFuture<Lease> get(long id) {
        lock.lock();
        try {
            Set<String> keys = leases.get(id);
            return keys == null ? CompletableFuture.failedFuture(new LeaseNotFoundException(id))
                    : CompletableFuture.completedFuture(new Lease(id, 10, 10, List.copyOf(keys)));
        } finally {
            lock.unlock();
        }
    }

    /** Revokes as expiry would: the lease's keys go in one revision (a transaction of deletes). */
    @Override
    public CompletableFuture<Long> revoke(long id) {
        lock.lock();
        try {
            Set<String> keys = leases.remove(id);
            if (keys == null) {
                return CompletableFuture.failedFuture(new LeaseNotFoundException(id));
            }
            List<TxnOp> deletes = keys.stream().<TxnOp>map(TxnOp.Delete::new).toList();
            return write(new KvCommand.Txn(List.of(), deletes, List.of())).thenApply(a -> a.outcome().revision());
        } finally {
            lock.unlock();
        }
    }

    /** A write nobody can refuse, as an operator's raw delete is. */
    long deleteRaw(String key) {
        return write(new KvCommand.Txn(List.of(), List.of(new TxnOp.Delete(key)), List.of())).join().outcome().revision();
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
