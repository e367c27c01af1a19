package com.distpatterns.consensus.infra.store;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.Compare;
import com.distpatterns.consensus.core.KvRange;
import com.distpatterns.consensus.core.OpResult;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.core.TxnOp;
import com.distpatterns.consensus.core.ValueEquivalence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The replicated key-value state machine on disk: RocksDB holding every version of every key since the last
 * compaction ({@link MvccKeys}), the store revision and the index of the last log entry applied, all changed
 * in one atomic batch per entry. The heap holds none of the data: RocksDB's block cache and write buffers are
 * native memory of a configured size.
 *
 * <p>RocksDB's own write-ahead log is off: the Raft log is the store's log. An entry applied but not yet flushed
 * is lost by a crash and applied again from the Raft log, which keeps every entry after the last checkpoint
 * (checkpoints flush). Writes and checkpoints come from the driver thread only; reads from any thread.
 */
public final class MvccStore implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    /** What RocksDB may use of native memory. */
    public record Tuning(long blockCacheBytes, long writeBufferBytes) {
        public static final Tuning SMALL = new Tuning(8L << 20, 8L << 20);
    }

    private final Path dir;
    private final ValueEquivalence equivalence;
    private final LRUCache cache;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private volatile long appliedIndex;
    private volatile long revision;
    private volatile long compactedRevision;
    /** Reads from other threads than the driver's (watches) hold it shared; close takes it alone. */
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    private boolean closed;

    private MvccStore(Path dir, Tuning tuning, ValueEquivalence equivalence) throws IOException {
        this.dir = dir;
        this.equivalence = equivalence;
        this.cache = new LRUCache(tuning.blockCacheBytes());
        this.options = new Options().setCreateIfMissing(true)
                .setWriteBufferSize(tuning.writeBufferBytes())
                .setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setMaxOpenFiles(256)
                // Flushes and compactions write their files out every MiB instead of leaving up to a whole file
                // dirty for a journal commit to push out: the WAL's fsyncs share the disk with them.
                .setBytesPerSync(1L << 20)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache)
                        .setFilterPolicy(new BloomFilter(10, false)));
        try {
            Files.createDirectories(dir.getParent());
            this.db = RocksDB.open(options, dir.toString());
            byte[] format = db.get(MvccKeys.META_FORMAT);
            if (format == null) {
                db.put(MvccKeys.META_FORMAT, MvccKeys.longBytes(MvccKeys.FORMAT));
            } else if (MvccKeys.readLong(format) != MvccKeys.FORMAT) {
                db.close();
                throw new IllegalStateException("The store in " + dir + " has format " + MvccKeys.readLong(format)
                        + "; this version reads format " + MvccKeys.FORMAT
                        + ". Start the version that wrote it, or empty the data directory and let the node catch up from the others.");
            }
            this.appliedIndex = MvccKeys.readLong(db.get(MvccKeys.META_APPLIED));
            this.revision = MvccKeys.readLong(db.get(MvccKeys.META_REVISION));
            this.compactedRevision = MvccKeys.readLong(db.get(MvccKeys.META_COMPACTED));
        } catch (RocksDBException e) {
            throw new IOException("cannot open the store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Opens (or creates) the store in {@code dir}. */
    public static MvccStore open(Path dir, Tuning tuning, ValueEquivalence equivalence) throws IOException {
        return new MvccStore(dir, tuning, equivalence);
    }

    public Path dir() {
        return dir;
    }

    /** The index of the last log entry applied. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The store revision: raised by one by every write that changes something; 0 for an empty store. */
    public long revision() {
        return revision;
    }

    /** Reads below this revision fail: their history is gone. 0 when never compacted. */
    public long compactedRevision() {
        return compactedRevision;
    }

    /** The current version of a key. */
    public Optional<KeyValue> get(String key) {
        return get(key, Long.MAX_VALUE);
    }

    /** The key as it was at {@code atRevision}. */
    public Optional<KeyValue> get(String key, long atRevision) {
        try (ReadOptions read = new ReadOptions()) {
            return get(read, revision, key, atRevision);
        }
    }

    /** The key as it was at {@code atRevision}, read through {@code read}, whose view is at {@code current}. */
    private Optional<KeyValue> get(ReadOptions read, long current, String key, long atRevision) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (atRevision >= current) {
            return current(key, k, (store, storageKey) -> store.db.get(read, storageKey));
        }
        try (RocksIterator it = db.newIterator(read)) {
            return versionAt(it, k, atRevision).map(found -> toKeyValue(key, found));
        }
    }

    /** A point lookup: in the store, or in a change's batch and then the store. */
    @FunctionalInterface
    private interface Lookup {
        byte[] get(MvccStore store, byte[] key) throws RocksDBException;
    }

    /** The current version of a key by two point lookups: its 'k' entry, then the version it names. */
    private Optional<KeyValue> current(String key, byte[] k, Lookup lookup) {
        try {
            byte[] index = lookup.get(this, MvccKeys.current(k));
            if (index == null) {
                return Optional.empty();
            }
            ByteBuffer fields = ByteBuffer.wrap(index);
            long create = fields.getLong();
            long mod = fields.getLong();
            long version = fields.getLong();
            byte[] record = lookup.get(this, MvccKeys.history(k, mod));
            if (record == null) {
                throw new StoreFailedException("key '" + key + "' names version " + mod + ", which is missing", null);
            }
            return Optional.of(
                    new KeyValue(key, MvccKeys.valueOf(record), create, mod, version, MvccKeys.leaseOfCurrent(index)));
        } catch (RocksDBException e) {
            throw new StoreFailedException("reading key '" + key + "' failed", e);
        }
    }

    /** A stored version: its revision and record. */
    record Found(long modRevision, byte[] record) {
        boolean live() {
            return MvccKeys.live(record);
        }
    }

    static Optional<Found> versionAt(RocksIterator it, byte[] key, long atRevision) {
        byte[] run = MvccKeys.historyRun(key);
        it.seekForPrev(MvccKeys.history(key, atRevision));
        if (!it.isValid()) {
            return Optional.empty();
        }
        byte[] found = it.key();
        if (!MvccKeys.inRun(found, run)) {
            return Optional.empty();
        }
        Found version = new Found(MvccKeys.revisionOf(found), it.value());
        return version.live() ? Optional.of(version) : Optional.empty();
    }

    static KeyValue toKeyValue(String key, Found found) {
        ByteBuffer record = ByteBuffer.wrap(found.record());
        record.get();
        long create = record.getLong();
        long version = record.getLong();
        return new KeyValue(key, MvccKeys.valueOf(found.record()), create, found.modRevision(), version,
                MvccKeys.leaseOfRecord(found.record()));
    }

    // ------------------------------------------------------------------ reads from any thread

    /**
     * What a read sees: the store at one moment, its revisions and keys all read from one RocksDB snapshot, so
     * that a range at the current revision names the revision its keys are at even while the driver applies
     * more. Valid only inside {@link #read}.
     */
    public final class View {
        private final ReadOptions read;
        private final long revision;
        private final long compactedRevision;

        private View(ReadOptions read) throws RocksDBException {
            this(read, MvccKeys.readLong(db.get(read, MvccKeys.META_REVISION)),
                    MvccKeys.readLong(db.get(read, MvccKeys.META_COMPACTED)));
        }

        private View(ReadOptions read, long revision, long compactedRevision) {
            this.read = read;
            this.revision = revision;
            this.compactedRevision = compactedRevision;
        }

        public long revision() {
            return revision;
        }

        public long compactedRevision() {
            return compactedRevision;
        }

        /** The current version of a key. */
        public Optional<KeyValue> get(String key) {
            return get(key, Long.MAX_VALUE);
        }

        /** The key as it was at {@code atRevision}. */
        public Optional<KeyValue> get(String key, long atRevision) {
            return MvccStore.this.get(read, revision, key, atRevision);
        }

        /** As {@link MvccStore#range(byte[], byte[], byte[], long, int, boolean, boolean)}, in this view. */
        public KvRange range(byte[] from, byte[] to, byte[] start, long atRevision, int limit, boolean keysOnly,
                boolean countOnly) {
            return MvccStore.this.range(read, revision, from, to, start, atRevision, limit, keysOnly, countOnly);
        }
    }

    /**
     * Runs {@code reader} on the store as it is, without a snapshot: only on the thread that applies writes (the
     * driver), where nothing changes the store while it reads. A point read costs its lookups and nothing more.
     */
    public <T> T readInPlace(Function<View, T> reader) {
        try (ReadOptions read = new ReadOptions()) {
            return reader.apply(new View(read, revision, compactedRevision));
        }
    }

    /**
     * Runs {@code reader} on a {@link View} of the store as it is now, on the calling thread; empty if the store
     * is closed (a checkpoint replaced it: ask the store that did). Safe from any thread: the store is not closed
     * while a reader runs, and the snapshot is released after it.
     */
    public <T> Optional<T> read(Function<View, T> reader) {
        closing.readLock().lock();
        try {
            if (closed) {
                return Optional.empty();
            }
            org.rocksdb.Snapshot snapshot = db.getSnapshot();
            try (ReadOptions read = new ReadOptions().setSnapshot(snapshot)) {
                return Optional.of(reader.apply(new View(read)));
            } catch (RocksDBException e) {
                throw new StoreFailedException("reading the store's revision failed", e);
            } finally {
                db.releaseSnapshot(snapshot);
            }
        } finally {
            closing.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------ leases

    /** The lease's TTL in seconds, if it exists. */
    public Optional<Long> leaseTtl(long id) {
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(read)) {
            return LeaseTable.ttl(it, id);
        }
    }

    /** The keys under the lease, in key order. */
    public List<String> leaseKeys(long id) {
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(read)) {
            return LeaseTable.names(LeaseTable.keys(it, id));
        }
    }

    /** Every lease with its TTL in seconds. */
    public java.util.Map<Long, Long> leases() {
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(read)) {
            return LeaseTable.all(it);
        }
    }

    // ------------------------------------------------------------------ ranges

    /** Most value bytes in one page: a page stops early (with a cursor) rather than fill the heap. */
    public static final long MAX_PAGE_BYTES = 8L << 20;

    /**
     * Keys in {@code [from, to)} (bytewise; {@code to} null: no end) as of {@code atRevision}, at most
     * {@code limit} of them (and at most {@link #MAX_PAGE_BYTES} of values), and how many match in all.
     */
    public KvRange range(byte[] from, byte[] to, long atRevision, int limit, boolean keysOnly, boolean countOnly) {
        return range(from, to, from, atRevision, limit, keysOnly, countOnly);
    }

    /** As {@link #range(byte[], byte[], long, int, boolean, boolean)}, the page starting at {@code start}. */
    public KvRange range(byte[] from, byte[] to, byte[] start, long atRevision, int limit, boolean keysOnly,
            boolean countOnly) {
        try (ReadOptions read = new ReadOptions()) {
            return range(read, revision, from, to, start, atRevision, limit, keysOnly, countOnly);
        }
    }

    /** As {@link #range(byte[], byte[], byte[], long, int, boolean, boolean)}, through {@code read} at {@code current}. */
    private KvRange range(ReadOptions read, long current, byte[] from, byte[] to, byte[] start, long atRevision,
            int limit, boolean keysOnly, boolean countOnly) {
        try (RocksIterator it = db.newIterator(read)) {
            if (atRevision >= current) {
                return currentRange(read, it, from, to, start, limit, keysOnly, countOnly);
            }
            return range(it, from, to, start, atRevision, limit, keysOnly, countOnly);
        }
    }

    /**
     * Keys whose values one {@code multiGet} reads. Under the benchmark's ranges of 100 keys, one call per key was
     * the largest part of a range's cost in RocksDB; a bounded batch keeps that gain while a page of large values
     * stops reading once it passes {@link #MAX_PAGE_BYTES} (a 1 MiB value per key would otherwise read up to
     * {@code limit} MiB before the page is cut).
     */
    private static final int VALUE_BATCH = 32;

    /** A current version found by a range's pass: its user key and the fields of its current record. */
    private record Current(byte[] key, long createRevision, long modRevision, long version, long lease) {}

    /**
     * A range at the current revision: one pass over the current versions, then the values of the page in batches
     * of {@link #VALUE_BATCH} keys, each one {@code multiGet}, until the page is full.
     */
    private KvRange currentRange(ReadOptions read, RocksIterator it, byte[] from, byte[] to, byte[] start, int limit,
            boolean keysOnly, boolean countOnly) {
        List<Current> page = new ArrayList<>();
        long count = 0;
        byte[] overflow = null; // the first key past the limit
        byte[] end = to == null ? new byte[] {MvccKeys.CURRENT + 1} : MvccKeys.current(to);
        for (it.seek(MvccKeys.current(from)); it.isValid(); it.next()) {
            byte[] storageKey = it.key();
            if (Arrays.compareUnsigned(storageKey, end) >= 0) {
                break;
            }
            count++;
            if (countOnly || overflow != null || Arrays.compareUnsigned(storageKey, 1, storageKey.length, start, 0,
                    start.length) < 0) {
                continue;
            }
            byte[] key = Arrays.copyOfRange(storageKey, 1, storageKey.length);
            if (page.size() == limit) {
                overflow = key;
                continue;
            }
            byte[] current = it.value();
            ByteBuffer record = ByteBuffer.wrap(current);
            page.add(new Current(key, record.getLong(), record.getLong(), record.getLong(),
                    MvccKeys.leaseOfCurrent(current)));
        }
        List<KeyValue> kvs = new ArrayList<>(page.size());
        long bytes = 0;
        for (int first = 0; first < page.size(); first += VALUE_BATCH) {
            List<Current> batch = page.subList(first, Math.min(page.size(), first + VALUE_BATCH));
            List<byte[]> values = keysOnly ? null : values(read, batch);
            for (int i = 0; i < batch.size(); i++) {
                Current c = batch.get(i);
                byte[] value = values == null ? new byte[0] : values.get(i);
                if (!kvs.isEmpty() && bytes + value.length > MAX_PAGE_BYTES) {
                    return new KvRange(kvs, count, c.key());
                }
                bytes += value.length;
                kvs.add(new KeyValue(new String(c.key(), StandardCharsets.UTF_8), value, c.createRevision(),
                        c.modRevision(), c.version(), c.lease()));
            }
        }
        return new KvRange(kvs, count, overflow);
    }

    /** The values of these current versions, read through {@code read}'s snapshot in one call. */
    private List<byte[]> values(ReadOptions read, List<Current> currents) {
        List<byte[]> historyKeys = new ArrayList<>(currents.size());
        for (Current c : currents) {
            historyKeys.add(MvccKeys.history(c.key(), c.modRevision()));
        }
        List<byte[]> records;
        try {
            records = db.multiGetAsList(read, historyKeys);
        } catch (RocksDBException e) {
            throw new StoreFailedException("reading a range failed", e);
        }
        List<byte[]> values = new ArrayList<>(records.size());
        for (byte[] record : records) {
            if (record == null) {
                throw new StoreFailedException("a current version without its history record",
                        new IllegalStateException("missing history record"));
            }
            values.add(MvccKeys.valueOf(record));
        }
        return values;
    }

    private static KvRange range(RocksIterator it, byte[] from, byte[] to, byte[] start, long atRevision, int limit,
            boolean keysOnly, boolean countOnly) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        long bytes = 0;
        byte[] next = null;
        byte[] end = to == null ? new byte[] {MvccKeys.HISTORY + 1} : MvccKeys.keyPrefix(to);
        it.seek(MvccKeys.keyPrefix(from));
        while (it.isValid() && Arrays.compareUnsigned(it.key(), end) < 0) {
            byte[] key = MvccKeys.userKey(it.key());
            Optional<Found> found = versionAt(it, key, atRevision);
            if (found.isPresent()) {
                count++;
                if (!countOnly && next == null && Arrays.compareUnsigned(key, start) >= 0) {
                    if (kvs.size() < limit
                            && (kvs.isEmpty() || keysOnly || bytes + found.get().record().length <= MAX_PAGE_BYTES)) {
                        KeyValue kv = toKeyValue(new String(key, StandardCharsets.UTF_8), found.get());
                        bytes += kv.value().length;
                        kvs.add(keysOnly
                                ? new KeyValue(kv.key(), new byte[0], kv.createRevision(), kv.modRevision(),
                                        kv.version(), kv.lease())
                                : kv);
                    } else {
                        next = key;
                    }
                }
            }
            it.seek(MvccKeys.afterKey(key));
        }
        return new KvRange(kvs, count, next);
    }

    /** The first key after every key that starts with {@code prefix}; null when there is none (all FF). */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ writes (driver thread)

    /**
     * Applies the command of the log entry at {@code index}. An entry at or below the applied index is already in
     * the store (applied before a restart, or inside a checkpoint installed past it): nothing is done and null
     * is answered.
     */
    public Outcome apply(long index, KvCommand command) {
        if (index <= appliedIndex) {
            return null;
        }
        if (command instanceof KvCommand.Compact compact) {
            return compact(index, compact.revision());
        }
        try (Change change = new Change(index)) {
            Outcome outcome = switch (command) {
                case KvCommand.Put put -> {
                    if (put.lease() != 0 && !change.leaseExists(put.lease())) {
                        yield new Outcome.LeaseMissing(put.lease(), revision);
                    }
                    yield new Outcome.Put(change.put(put.key(), put.value(), put.lease()), change.newRevision);
                }
                case KvCommand.Delete delete -> {
                    boolean deleted = change.delete(delete.key());
                    yield new Outcome.Deleted(delete.key(), deleted, change.revisionAfter());
                }
                case KvCommand.CompareAndSet cas -> {
                    Optional<KeyValue> current = change.get(cas.key());
                    boolean matches = cas.expected() == null ? current.isEmpty()
                            : current.isPresent() && equivalence.same(current.get().value(), cas.expected());
                    if (matches) {
                        yield new Outcome.Swapped(true, change.put(cas.key(), cas.value(), 0), change.newRevision);
                    }
                    yield new Outcome.Swapped(false, current.orElse(null), revision);
                }
                case KvCommand.Txn txn -> {
                    boolean succeeded = txn.compares().stream().allMatch(c -> holds(c, change.get(c.key())));
                    List<TxnOp> branch = succeeded ? txn.success() : txn.failure();
                    long missing = change.missingLease(branch);
                    if (missing != 0) {
                        yield new Outcome.LeaseMissing(missing, revision);
                    }
                    List<OpResult> results = new ArrayList<>();
                    for (TxnOp op : branch) {
                        results.add(change.apply(op));
                    }
                    yield new Outcome.Txn(succeeded, results, change.revisionAfter());
                }
                case KvCommand.Compact ignored -> throw new IllegalStateException("handled above");
                case KvCommand.LeaseGrant grant -> {
                    change.grant(index, grant.ttlSeconds());
                    yield new Outcome.LeaseGranted(index, grant.ttlSeconds(), revision);
                }
                case KvCommand.LeaseRevoke revoke -> {
                    if (!change.leaseExists(revoke.id())) {
                        yield new Outcome.LeaseMissing(revoke.id(), revision);
                    }
                    List<String> keys = change.revoke(revoke.id());
                    yield new Outcome.LeaseRevoked(revoke.id(), true, keys, change.revisionAfter());
                }
            };
            change.commit();
            return outcome;
        }
    }

    private boolean holds(Compare compare, Optional<KeyValue> current) {
        if (compare.target() == Compare.Target.VALUE) {
            // Values compare as JSON documents; an absent key has no value, which equals nothing.
            boolean equal = current.isPresent() && compare.value() != null
                    && equivalence.same(current.get().value(), compare.value());
            return switch (compare.op()) {
                case EQUAL -> equal;
                case NOT_EQUAL -> !equal;
                case LESS, GREATER -> {
                    if (current.isEmpty() || compare.value() == null) {
                        yield false;
                    }
                    int order = Arrays.compareUnsigned(current.get().value(), compare.value());
                    yield compare.op() == Compare.Op.LESS ? order < 0 : order > 0;
                }
            };
        }
        long actual = current.map(kv -> switch (compare.target()) {
            case VERSION -> kv.version();
            case CREATE_REVISION -> kv.createRevision();
            case MOD_REVISION -> kv.modRevision();
            case VALUE -> throw new IllegalStateException("handled above");
        }).orElse(0L);
        return switch (compare.op()) {
            case EQUAL -> actual == compare.number();
            case NOT_EQUAL -> actual != compare.number();
            case LESS -> actual < compare.number();
            case GREATER -> actual > compare.number();
        };
    }

    /**
     * Drops the history before {@code target}: of each key's versions older than it, only the newest stays, and
     * not even that if it is a deletion. Work in proportion to the revisions compacted, not to the store. Changes no revision. A target at or below the compacted revision, or past
     * the current one, changes nothing (every node decides alike).
     */
    private Outcome compact(long index, long target) {
        if (target <= compactedRevision || target > revision) {
            skip(index);
            return new Outcome.Compacted(compactedRevision, revision);
        }
        try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
                ReadOptions read = new ReadOptions();
                RocksIterator it = db.newIterator(read)) {
            // Each version written in (compacted, target] supersedes the key's version before it, which goes; a
            // deletion before the target goes too (reads at or after the target see the key absent either way).
            for (long rev = compactedRevision + 1; rev <= target; rev++) {
                byte[] revisionKey = MvccKeys.revisionKey(rev);
                byte[] keys = db.get(revisionKey);
                if (keys == null) {
                    continue;
                }
                for (byte[] key : decodeKeys(keys)) {
                    it.seekForPrev(MvccKeys.history(key, rev - 1));
                    if (it.isValid() && MvccKeys.inRun(it.key(), MvccKeys.historyRun(key))) {
                        batch.delete(it.key());
                    }
                    byte[] here = MvccKeys.history(key, rev);
                    byte[] record = db.get(here);
                    if (rev < target && record != null && record[0] == MvccKeys.TOMBSTONE) {
                        batch.delete(here);
                    }
                }
                if (rev < target) {
                    batch.delete(revisionKey);
                }
            }
            batch.put(MvccKeys.META_COMPACTED, MvccKeys.longBytes(target));
            batch.put(MvccKeys.META_APPLIED, MvccKeys.longBytes(index));
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StoreFailedException("compacting to revision " + target + " failed", e);
        }
        compactedRevision = target;
        appliedIndex = index;
        return new Outcome.Compacted(target, revision);
    }

    /** Records that the log entry at {@code index} carried no command for the store. */
    public void skip(long index) {
        if (index <= appliedIndex) {
            return;
        }
        try {
            db.put(writeOptions, MvccKeys.META_APPLIED, MvccKeys.longBytes(index));
        } catch (RocksDBException e) {
            throw new StoreFailedException("recording the applied index " + index + " failed", e);
        }
        appliedIndex = index;
    }

    /**
     * One log entry's change: every write lands at the revision after the current one, in one atomic batch with
     * the new applied index. Reads inside it see its own writes.
     */
    private final class Change implements AutoCloseable {
        private final long index;
        final long newRevision = revision + 1;
        private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
        private final List<byte[]> written = new ArrayList<>();
        private final ReadOptions read = new ReadOptions();

        Change(long index) {
            this.index = index;
        }

        Optional<KeyValue> get(String key) {
            return current(key, key.getBytes(StandardCharsets.UTF_8),
                    (store, k) -> batch.getFromBatchAndDB(db, read, k));
        }

        OpResult apply(TxnOp op) {
            return switch (op) {
                case TxnOp.Put p -> new OpResult.Put(put(p.key(), p.value(), p.lease()));
                case TxnOp.Delete d -> new OpResult.Deleted(delete(d.key()) ? 1 : 0);
                case TxnOp.DeletePrefix d -> {
                    byte[] prefix = d.prefix().getBytes(StandardCharsets.UTF_8);
                    KvRange keys = range(prefix, prefixEnd(prefix), Integer.MAX_VALUE, true);
                    for (KeyValue kv : keys.kvs()) {
                        delete(kv.key());
                    }
                    yield new OpResult.Deleted(keys.kvs().size());
                }
                case TxnOp.Get g -> new OpResult.Get(get(g.key()).orElse(null));
                case TxnOp.Range r -> {
                    byte[] prefix = r.prefix().getBytes(StandardCharsets.UTF_8);
                    KvRange page = range(prefix, prefixEnd(prefix), r.limit(), false);
                    yield new OpResult.Range(page.kvs(), page.count(), page.next() != null);
                }
            };
        }

        private KvRange range(byte[] from, byte[] to, int limit, boolean keysOnly) {
            try (RocksIterator base = db.newIterator(read); RocksIterator it = batch.newIteratorWithBase(base)) {
                return MvccStore.range(it, from, to, from, newRevision, limit, keysOnly, false);
            }
        }

        /**
         * The key's index record (create revision, mod revision, version) or null when absent: one lookup, where
         * {@link #get} takes two (the index, then the value it names). A put and a delete need no value.
         */
        private ByteBuffer index(byte[] k) {
            try {
                byte[] index = batch.getFromBatchAndDB(db, read, MvccKeys.current(k));
                return index == null ? null : ByteBuffer.wrap(index);
            } catch (RocksDBException e) {
                throw new StoreFailedException("reading key '" + new String(k, StandardCharsets.UTF_8) + "' failed", e);
            }
        }

        /** Puts the key under {@code lease} (0: none), moving it off the lease it was under, if another. */
        KeyValue put(String key, byte[] value, long lease) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            ByteBuffer current = index(k);
            long create = current == null ? newRevision : current.getLong(0);
            long version = current == null ? 1 : current.getLong(2 * Long.BYTES) + 1;
            long previousLease = current == null ? 0 : MvccKeys.leaseOfCurrent(current.array());
            write(k, MvccKeys.record(MvccKeys.PUT, create, version, lease, value));
            try {
                batch.put(MvccKeys.current(k), MvccKeys.currentRecord(create, newRevision, version, lease));
                if (previousLease != 0 && previousLease != lease) {
                    batch.delete(MvccKeys.leaseKey(previousLease, k));
                }
                if (lease != 0) {
                    batch.put(MvccKeys.leaseKey(lease, k), new byte[0]);
                }
            } catch (RocksDBException e) {
                throw new StoreFailedException("a write failed", e);
            }
            return new KeyValue(key, value, create, newRevision, version, lease);
        }

        boolean delete(String key) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            ByteBuffer current = index(k);
            if (current == null) {
                return false;
            }
            write(k, MvccKeys.record(MvccKeys.TOMBSTONE, 0, 0, null));
            try {
                batch.delete(MvccKeys.current(k));
                long lease = MvccKeys.leaseOfCurrent(current.array());
                if (lease != 0) {
                    batch.delete(MvccKeys.leaseKey(lease, k));
                }
            } catch (RocksDBException e) {
                throw new StoreFailedException("a write failed", e);
            }
            return true;
        }

        boolean leaseExists(long id) {
            try (RocksIterator base = db.newIterator(read); RocksIterator it = batch.newIteratorWithBase(base)) {
                return LeaseTable.ttl(it, id).isPresent();
            }
        }

        /** The first lease a branch's puts name that does not exist, or 0: then the branch may be applied. */
        long missingLease(List<TxnOp> branch) {
            for (TxnOp op : branch) {
                if (op instanceof TxnOp.Put p && p.lease() != 0 && !leaseExists(p.lease())) {
                    return p.lease();
                }
            }
            return 0;
        }

        void grant(long id, long ttlSeconds) {
            try {
                batch.put(MvccKeys.lease(id), MvccKeys.longBytes(ttlSeconds));
            } catch (RocksDBException e) {
                throw new StoreFailedException("a write failed", e);
            }
        }

        /** Deletes the lease and every key under it, at this change's one revision; answers the keys. */
        List<String> revoke(long id) {
            List<byte[]> keys;
            try (RocksIterator base = db.newIterator(read); RocksIterator it = batch.newIteratorWithBase(base)) {
                keys = LeaseTable.keys(it, id);
            }
            List<String> names = LeaseTable.names(keys);
            names.forEach(this::delete);
            try {
                batch.delete(MvccKeys.lease(id));
            } catch (RocksDBException e) {
                throw new StoreFailedException("a write failed", e);
            }
            return names;
        }

        private void write(byte[] key, byte[] record) {
            try {
                batch.put(MvccKeys.history(key, newRevision), record);
            } catch (RocksDBException e) {
                throw new StoreFailedException("a write failed", e);
            }
            written.add(key);
        }

        /** The store revision once this change is committed. */
        long revisionAfter() {
            return written.isEmpty() ? revision : newRevision;
        }

        void commit() {
            try {
                long after = revisionAfter();
                if (!written.isEmpty()) {
                    batch.put(MvccKeys.revisionKey(newRevision), encodeKeys(written));
                    batch.put(MvccKeys.META_REVISION, MvccKeys.longBytes(after));
                }
                batch.put(MvccKeys.META_APPLIED, MvccKeys.longBytes(index));
                db.write(writeOptions, batch);
                revision = after;
                appliedIndex = index;
            } catch (RocksDBException e) {
                throw new StoreFailedException("applying entry " + index + " failed", e);
            }
        }

        @Override
        public void close() {
            read.close();
            batch.close();
        }
    }

    static byte[] encodeKeys(List<byte[]> keys) {
        int size = 4;
        for (byte[] key : keys) {
            size += 4 + key.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(keys.size());
        keys.forEach(k -> out.putInt(k.length).put(k));
        return out.array();
    }

    static List<byte[]> decodeKeys(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<byte[]> keys = new ArrayList<>();
        for (int n = in.getInt(); n > 0; n--) {
            byte[] key = new byte[in.getInt()];
            in.get(key);
            keys.add(key);
        }
        return keys;
    }

    // ------------------------------------------------------------------ changes (any thread)

    /**
     * What the revisions {@code query} asks for changed ({@link RevisionChanges}); empty once this store is closed
     * (a checkpoint replaced it: ask the store that did). Safe from any thread, unlike the other reads.
     */
    public Optional<ChangePage> changes(ChangeQuery query) {
        closing.readLock().lock();
        try {
            return closed ? Optional.empty() : Optional.of(RevisionChanges.read(db, query));
        } finally {
            closing.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------ checkpoints and size

    /** Writes a consistent copy of the store as it is now into {@code target} (which must not exist): hard links. */
    public void checkpoint(Path target) {
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new StoreFailedException("a checkpoint into " + target + " failed", e);
        }
    }

    /** The store's files on disk plus what its write buffers hold, in bytes. */
    public long sizeOnDisk() {
        try {
            return db.getLongProperty("rocksdb.total-sst-files-size")
                    + db.getLongProperty("rocksdb.cur-size-all-mem-tables");
        } catch (RocksDBException e) {
            return 0;
        }
    }

    /** Keys at the current revision (RocksDB's estimate counts versions; this walks the keys, for tests and logs). */
    public long countKeys() {
        return range(new byte[0], null, Long.MAX_VALUE, 0, true, true).count();
    }

    /** Versions stored, deletions included: what compaction shrinks. For tests. */
    long historyVersions() {
        long versions = 0;
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(read)) {
            for (it.seek(new byte[] {MvccKeys.HISTORY}); it.isValid() && it.key()[0] == MvccKeys.HISTORY; it.next()) {
                versions++;
            }
        }
        return versions;
    }

    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            closing.writeLock().unlock();
        }
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush); // the WAL is off: what is only in the write buffers would be applied again, but why
        } catch (RocksDBException e) {
            // applied again from the Raft log at the next start
        }
        db.close();
        writeOptions.close();
        options.close();
        cache.close();
    }
}
