package com.distpatterns.consensus.infra.store;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvResult;
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
import org.rocksdb.BlockBasedTableConfig;
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

    private MvccStore(Path dir, Tuning tuning, ValueEquivalence equivalence) throws IOException {
        this.dir = dir;
        this.equivalence = equivalence;
        this.cache = new LRUCache(tuning.blockCacheBytes());
        this.options = new Options().setCreateIfMissing(true)
                .setWriteBufferSize(tuning.writeBufferBytes())
                .setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setMaxOpenFiles(256)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        try {
            Files.createDirectories(dir.getParent());
            this.db = RocksDB.open(options, dir.toString());
            byte[] format = db.get(MvccKeys.META_FORMAT);
            if (format == null) {
                db.put(MvccKeys.META_FORMAT, MvccKeys.longBytes(MvccKeys.FORMAT));
            } else if (MvccKeys.readLong(format) != MvccKeys.FORMAT) {
                db.close();
                throw new IllegalStateException("The store in " + dir + " has format " + MvccKeys.readLong(format)
                        + "; this version reads format " + MvccKeys.FORMAT + ". Start the version that wrote it, or empty the data directory and let the node catch up from the others.");
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
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(read)) {
            return versionAt(it, k, atRevision).map(found -> toKeyValue(key, found));
        }
    }

    /** A stored version: its revision and record. */
    private record Found(long modRevision, byte[] record) {
        boolean live() {
            return record[0] == MvccKeys.PUT;
        }
    }

    private static Optional<Found> versionAt(RocksIterator it, byte[] key, long atRevision) {
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

    private static KeyValue toKeyValue(String key, Found found) {
        ByteBuffer record = ByteBuffer.wrap(found.record());
        record.get();
        long create = record.getLong();
        long version = record.getLong();
        return new KeyValue(key, Arrays.copyOfRange(found.record(), 17, found.record().length), create,
                found.modRevision(), version);
    }

    // ------------------------------------------------------------------ ranges

    /**
     * Keys in {@code [from, to)} (bytewise; {@code to} null: no end) as of {@code atRevision}, at most
     * {@code limit} of them, and how many match in all.
     */
    public Range range(byte[] from, byte[] to, long atRevision, int limit, boolean keysOnly, boolean countOnly) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        byte[] next = null;
        byte[] end = to == null ? new byte[] {MvccKeys.HISTORY + 1} : MvccKeys.keyPrefix(to);
        try (ReadOptions read = new ReadOptions(); RocksIterator it = db.newIterator(read)) {
            it.seek(MvccKeys.keyPrefix(from));
            while (it.isValid() && Arrays.compareUnsigned(it.key(), end) < 0) {
                byte[] key = MvccKeys.userKey(it.key());
                Optional<Found> found = versionAt(it, key, atRevision);
                if (found.isPresent()) {
                    count++;
                    if (!countOnly) {
                        if (kvs.size() < limit) {
                            KeyValue kv = toKeyValue(new String(key, StandardCharsets.UTF_8), found.get());
                            kvs.add(keysOnly ? new KeyValue(kv.key(), new byte[0], kv.createRevision(), kv.modRevision(), kv.version()) : kv);
                        } else if (next == null) {
                            next = key;
                        }
                    }
                }
                it.seek(MvccKeys.afterKey(key));
            }
        }
        return new Range(kvs, count, next);
    }

    /** A page of a range: {@code next} is the first key of the next page, null when this is the last. */
    public record Range(List<KeyValue> kvs, long count, byte[] next) {
    }

    // ------------------------------------------------------------------ writes (driver thread)

    /**
     * Applies the command of the log entry at {@code index}. An entry at or below the applied index is already in
     * the store (applied before a restart, or inside a checkpoint installed past it): nothing is done and null
     * is answered.
     */
    public KvResult apply(long index, KvCommand command) {
        if (index <= appliedIndex) {
            return null;
        }
        try (Change change = new Change(index)) {
            KvResult result = switch (command) {
                case KvCommand.Put put -> {
                    KeyValue kv = change.put(put.key(), put.value());
                    yield new KvResult.Written(put.key(), put.value(), kv.modRevision());
                }
                case KvCommand.Delete delete -> new KvResult.Deleted(delete.key(), change.delete(delete.key()),
                        change.revisionAfter());
                case KvCommand.CompareAndSet cas -> {
                    Optional<KeyValue> current = change.get(cas.key());
                    boolean matches = cas.expected() == null ? current.isEmpty()
                            : current.isPresent() && equivalence.same(current.get().value(), cas.expected());
                    if (matches) {
                        KeyValue kv = change.put(cas.key(), cas.value());
                        yield new KvResult.Swapped(cas.key(), true, cas.value(), kv.modRevision());
                    }
                    yield new KvResult.Swapped(cas.key(), false, current.map(KeyValue::value).orElse(null),
                            current.map(KeyValue::modRevision).orElse(0L));
                }
            };
            change.commit();
            return result;
        }
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
        private final long newRevision = revision + 1;
        private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
        private final List<byte[]> written = new ArrayList<>();
        private final ReadOptions read = new ReadOptions();

        Change(long index) {
            this.index = index;
        }

        Optional<KeyValue> get(String key) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            try (RocksIterator base = db.newIterator(read); RocksIterator it = batch.newIteratorWithBase(base)) {
                return versionAt(it, k, newRevision).map(found -> toKeyValue(key, found));
            }
        }

        KeyValue put(String key, byte[] value) {
            Optional<KeyValue> current = get(key);
            long create = current.map(KeyValue::createRevision).orElse(newRevision);
            long version = current.map(kv -> kv.version() + 1).orElse(1L);
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            write(k, MvccKeys.record(MvccKeys.PUT, create, version, value));
            return new KeyValue(key, value, create, newRevision, version);
        }

        boolean delete(String key) {
            if (get(key).isEmpty()) {
                return false;
            }
            write(key.getBytes(StandardCharsets.UTF_8), MvccKeys.record(MvccKeys.TOMBSTONE, 0, 0, null));
            return true;
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
            return db.getLongProperty("rocksdb.total-sst-files-size") + db.getLongProperty("rocksdb.cur-size-all-mem-tables");
        } catch (RocksDBException e) {
            return 0;
        }
    }

    /** Keys at the current revision (RocksDB's estimate counts versions; this walks the keys, for tests and logs). */
    public long countKeys() {
        return range(new byte[0], null, Long.MAX_VALUE, 0, true, true).count();
    }

    @Override
    public void close() {
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
