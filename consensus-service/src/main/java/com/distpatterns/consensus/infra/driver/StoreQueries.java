package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.CompactedException;
import com.distpatterns.consensus.core.FutureRevisionException;
import com.distpatterns.consensus.core.KeyRead;
import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.RangeQuery;
import com.distpatterns.consensus.core.RangeRead;
import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.consensus.infra.store.MvccStore;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What each read does with a view of the store once it may be served, given the node's term: built on the caller's
 * thread, run on a store reader's thread (the view is one RocksDB snapshot, so the revision it answers is the one its
 * keys are at). Stateless.
 */
final class StoreQueries {

    private StoreQueries() {}

    static BiFunction<MvccStore.View, Long, Optional<Versioned>> latest(String key) {
        return (s, term) -> s.get(key).map(KeyValue::versioned);
    }

    static BiFunction<MvccStore.View, Long, KeyRead> key(String key, long revision) {
        return (s, term) -> {
            long at = readableRevision(s, revision);
            return new KeyRead(s.get(key, at), at, term);
        };
    }

    static BiFunction<MvccStore.View, Long, RangeRead> range(RangeQuery q) {
        return (s, term) -> {
            long at = readableRevision(s, q.revision());
            return new RangeRead(s.range(q.from(), q.to(), q.start(), at, q.limit(), q.keysOnly(), q.countOnly()), at,
                    term);
        };
    }

    /** The revision a read asked for (0: the current one), once checked readable. */
    private static long readableRevision(MvccStore.View s, long asked) {
        if (asked == 0) {
            return s.revision();
        }
        if (asked > s.revision()) {
            throw new FutureRevisionException(asked, s.revision());
        }
        if (asked < s.compactedRevision()) {
            throw new CompactedException(asked, s.compactedRevision());
        }
        return asked;
    }
}
