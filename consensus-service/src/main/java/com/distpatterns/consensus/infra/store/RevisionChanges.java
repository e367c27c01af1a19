package com.distpatterns.consensus.infra.store;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.WatchEvent;
import com.distpatterns.consensus.core.WatchMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * Reads what revisions changed, as watchers see it, from the per-revision index ({@code 'r' rev -> keys}) and the
 * keys' histories: one seek and one step per revision, one lookup per change (two with its previous version). So
 * replaying N revisions costs in proportion to their changes, never to the keys in the store. All reads of a page
 * are from one RocksDB snapshot: a compaction or write running meanwhile cannot tear it.
 */
final class RevisionChanges {

    private static final byte[] EMPTY = new byte[0];

    private RevisionChanges() {}

    static ChangePage read(RocksDB db, ChangeQuery query) {
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot);
                RocksIterator revisions = db.newIterator(read);
                RocksIterator history = db.newIterator(read)) {
            long compacted = MvccKeys.readLong(db.get(read, MvccKeys.META_COMPACTED));
            if (query.from() < compacted) {
                return new ChangePage(List.of(), query.from() - 1, compacted);
            }
            List<WatchMessage.Changes> changes = new ArrayList<>();
            long readTo = query.to();
            int events = 0;
            for (revisions.seek(MvccKeys.revisionKey(query.from())); revisions.isValid(); revisions.next()) {
                byte[] storageKey = revisions.key();
                if (storageKey[0] != MvccKeys.REVISIONS) {
                    break;
                }
                long revision = MvccKeys.readLong(Arrays.copyOfRange(storageKey, 1, 9));
                if (revision > query.to()) {
                    break;
                }
                List<WatchEvent> found = changesAt(db, read, history, revision, revisions.value(), query);
                if (!found.isEmpty()) {
                    changes.add(new WatchMessage.Changes(revision, found));
                    events += found.size();
                    if (events >= query.maxEvents()) {
                        readTo = revision;
                        break;
                    }
                }
            }
            return new ChangePage(changes, readTo, compacted);
        } catch (RocksDBException e) {
            throw new StoreFailedException("reading the changes from revision " + query.from() + " failed", e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    /** The events of one revision on the keys asked for, in the order written, each key once (its final state). */
    private static List<WatchEvent> changesAt(RocksDB db, ReadOptions read, RocksIterator history, long revision,
            byte[] keysWritten, ChangeQuery query) throws RocksDBException {
        List<byte[]> keys = MvccStore.decodeKeys(keysWritten);
        List<WatchEvent> events = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            byte[] k = keys.get(i);
            String key = new String(k, StandardCharsets.UTF_8);
            if (!query.matches(key) || writtenBefore(keys, i)) {
                continue;
            }
            byte[] record = db.get(read, MvccKeys.history(k, revision));
            if (record == null) {
                throw new StoreFailedException(
                        "revision " + revision + " names key '" + key + "', whose version is missing", null);
            }
            KeyValue prev = query.prevKv() ? MvccStore.versionAt(history, k, revision - 1)
                    .map(found -> MvccStore.toKeyValue(key, found)).orElse(null) : null;
            if (MvccKeys.live(record)) { // a put under a lease (h20lease) is a put too
                events.add(new WatchEvent(WatchEvent.Type.PUT,
                        MvccStore.toKeyValue(key, new MvccStore.Found(revision, record)), prev));
            } else {
                events.add(new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, EMPTY, 0, revision, 0), prev));
            }
        }
        return events;
    }

    /** Whether a transaction wrote this key earlier in the revision already (the stored version is its last write). */
    private static boolean writtenBefore(List<byte[]> keys, int index) {
        for (int i = 0; i < index; i++) {
            if (Arrays.equals(keys.get(i), keys.get(index))) {
                return true;
            }
        }
        return false;
    }
}
