package com.distpatterns.consensus.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.Compare;
import com.distpatterns.consensus.core.KvRange;
import com.distpatterns.consensus.core.OpResult;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.core.TxnOp;
import com.distpatterns.consensus.core.ValueEquivalence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvccStoreTest {

    @TempDir
    Path dir;

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void revisionsVersionsAndHistory() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            assertThat(store.revision()).isZero();
            Outcome.Put first = (Outcome.Put) store.apply(2, new KvCommand.Put("a", v("1")));
            assertThat(first.revision()).isEqualTo(1);
            store.skip(3); // a leader's empty entry changes nothing
            store.apply(4, new KvCommand.Put("a", v("2")));
            store.apply(5, new KvCommand.Put("b", v("x")));
            Outcome.Deleted absent = (Outcome.Deleted) store.apply(6, new KvCommand.Delete("nope"));
            assertThat(absent.deleted()).isFalse();
            assertThat(store.revision()).as("a delete of nothing changes nothing").isEqualTo(3);
            store.apply(7, new KvCommand.Delete("a"));
            store.apply(8, new KvCommand.Put("a", v("3")));

            assertThat(store.revision()).isEqualTo(5);
            assertThat(store.appliedIndex()).isEqualTo(8);
            assertThat(store.get("a")).contains(new KeyValue("a", v("3"), 5, 5, 1));
            assertThat(store.get("a", 2)).contains(new KeyValue("a", v("2"), 1, 2, 2));
            assertThat(store.get("a", 4)).as("deleted at 4").isEmpty();
            assertThat(store.get("b", 1)).isEmpty();
            assertThat(store.get("b")).contains(new KeyValue("b", v("x"), 3, 3, 1));
            assertThat(store.apply(8, new KvCommand.Put("a", v("again")))).as("an entry applied already").isNull();
            assertThat(store.get("a").orElseThrow().value()).isEqualTo(v("3"));

            Outcome.Swapped failed = (Outcome.Swapped) store.apply(9, new KvCommand.CompareAndSet("a", v("1"), v("4")));
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.revision()).isEqualTo(5);
            Outcome.Swapped swapped = (Outcome.Swapped) store.apply(10,
                    new KvCommand.CompareAndSet("a", v("3"), v("4")));
            assertThat(swapped.succeeded()).isTrue();
            assertThat(swapped.revision()).isEqualTo(6);
        }
        try (MvccStore reopened = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL,
                ValueEquivalence.BYTES)) {
            assertThat(reopened.revision()).isEqualTo(6);
            assertThat(reopened.appliedIndex()).isEqualTo(10);
            assertThat(reopened.get("a", 2).orElseThrow().value()).isEqualTo(v("2"));
        }
    }

    @Test
    void aViewReadsItsRevisionAndKeysFromOneSnapshotWhileWritesGoOn() throws Exception {
        MvccStore store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
        try {
            store.apply(1, new KvCommand.Put("k/a", v("1")));
            store.apply(2, new KvCommand.Put("k/b", v("1")));
            String seen = store.read(view -> {
                // The driver applies and compacts while a reader holds its view (here, on the same thread).
                store.apply(3, new KvCommand.Put("k/a", v("2")));
                store.apply(4, new KvCommand.Delete("k/b"));
                store.apply(5, new KvCommand.Put("k/c", v("1")));
                store.apply(6, new KvCommand.Compact(4));
                KvRange range = view.range(v("k/"), MvccStore.prefixEnd(v("k/")), v("k/"), view.revision(), 10,
                        false, false);
                return view.revision() + " " + view.compactedRevision() + " " + s(view.get("k/a").orElseThrow().value())
                        + " " + range.kvs().stream().map(kv -> kv.key() + "@" + kv.modRevision()).toList();
            }).orElseThrow();
            assertThat(seen).as("the store as it was when the view was taken, the old version of k/a included")
                    .isEqualTo("2 0 1 [k/a@1, k/b@2]");
            assertThat(store.read(view -> view.revision() + " " + view.compactedRevision())).contains("5 4");
        } finally {
            store.close();
        }
        assertThat(store.read(view -> view.revision())).as("a closed store is not read: ask the one replacing it")
                .isEmpty();
    }

    @Test
    void aViewInPlaceReadsTheStoreAsItIsNow() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            store.apply(1, new KvCommand.Put("k/a", v("1")));
            store.apply(2, new KvCommand.Put("k/a", v("2")));
            store.apply(3, new KvCommand.Put("k/b", v("1")));
            store.apply(4, new KvCommand.Compact(2));
            assertThat(store.<String>readInPlace(view -> view.revision() + " " + view.compactedRevision() + " "
                    + s(view.get("k/a").orElseThrow().value()) + " " + s(view.get("k/a", 2).orElseThrow().value())
                    + " " + view.get("k/c").isPresent()))
                    .isEqualTo("3 2 2 2 false");
            store.apply(5, new KvCommand.Delete("k/a"));
            assertThat(store.<String>readInPlace(view -> view.revision() + " " + view.get("k/a").isPresent()))
                    .as("the driver's next read sees its last write").isEqualTo("4 false");
        }
    }

    @Test
    void rangesAreBytewiseAndSeeOneRevision() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            long index = 1;
            for (String key : List.of("p/b", "p/a", "p", "p/a\u0000x", "q", "p/c", "o")) {
                store.apply(++index, new KvCommand.Put(key, v("\"" + key.length() + "\"")));
            }
            long before = store.revision();
            store.apply(++index, new KvCommand.Delete("p/b"));
            store.apply(++index, new KvCommand.Put("p/d", v("1")));

            KvRange now = store.range(v("p/"), v("p0"), Long.MAX_VALUE, 10, false, false);
            assertThat(now.kvs()).extracting(KeyValue::key).containsExactly("p/a", "p/a\u0000x", "p/c", "p/d");
            assertThat(now.count()).isEqualTo(4);
            assertThat(now.next()).isNull();

            KvRange then = store.range(v("p/"), v("p0"), before, 2, true, false);
            assertThat(then.kvs()).extracting(KeyValue::key).containsExactly("p/a", "p/a\u0000x");
            assertThat(then.kvs().getFirst().value()).isEmpty();
            assertThat(then.count()).isEqualTo(4);
            assertThat(s(then.next())).isEqualTo("p/b");

            assertThat(store.range(v("p/b"), v("p0"), before, 10, false, false).kvs()).extracting(KeyValue::key)
                    .containsExactly("p/b", "p/c");
            assertThat(store.range(new byte[0], null, Long.MAX_VALUE, 0, false, true).count()).isEqualTo(7);
        }
    }

    @Test
    void pagesAtTheCurrentRevisionEndAtTheLimitOrTheirBytes() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            long index = 1;
            for (String key : List.of("r/a", "r/b", "r/c", "r/d", "r/e")) {
                store.apply(++index, new KvCommand.Put(key, v("\"" + key + "\"")));
            }
            store.apply(++index, new KvCommand.Put("r/b", v("2"))); // a second version: the page shows the newest

            KvRange first = store.range(v("r/"), v("r0"), Long.MAX_VALUE, 2, false, false);
            assertThat(first.kvs()).extracting(KeyValue::key).containsExactly("r/a", "r/b");
            assertThat(first.kvs()).extracting(kv -> s(kv.value())).containsExactly("\"r/a\"", "2");
            assertThat(first.kvs().get(1).version()).isEqualTo(2);
            assertThat(first.count()).isEqualTo(5);
            assertThat(s(first.next())).isEqualTo("r/c");
            KvRange second = store.range(v("r/"), v("r0"), first.next(), Long.MAX_VALUE, 2, false, false);
            assertThat(second.kvs()).extracting(KeyValue::key).containsExactly("r/c", "r/d");
            assertThat(s(second.next())).isEqualTo("r/e");
            KvRange last = store.range(v("r/"), v("r0"), second.next(), Long.MAX_VALUE, 2, true, false);
            assertThat(last.kvs()).extracting(KeyValue::key).containsExactly("r/e");
            assertThat(last.kvs().getFirst().value()).isEmpty();
            assertThat(last.next()).isNull();
            assertThat(store.range(v("r/"), v("r0"), Long.MAX_VALUE, 2, false, true).kvs()).isEmpty();

            // Values of 3 MiB: the page stops before passing MAX_PAGE_BYTES (8 MiB), whatever the limit.
            String big = "\"" + "x".repeat(3 << 20) + "\"";
            for (String key : List.of("s/a", "s/b", "s/c", "s/d")) {
                store.apply(++index, new KvCommand.Put(key, v(big)));
            }
            KvRange bounded = store.range(v("s/"), v("s0"), Long.MAX_VALUE, 100, false, false);
            assertThat(bounded.kvs()).extracting(KeyValue::key).containsExactly("s/a", "s/b");
            assertThat(s(bounded.next())).isEqualTo("s/c");
            assertThat(bounded.count()).isEqualTo(4);

            // A page longer than one batch of values: every key has its own value, in order, and the cursor.
            for (int i = 0; i < 70; i++) {
                store.apply(++index, new KvCommand.Put("t/%03d".formatted(i), v(Integer.toString(i))));
            }
            KvRange longPage = store.range(v("t/"), v("t0"), Long.MAX_VALUE, 50, false, false);
            assertThat(longPage.kvs()).hasSize(50);
            for (int i = 0; i < 50; i++) {
                assertThat(longPage.kvs().get(i).key()).isEqualTo("t/%03d".formatted(i));
                assertThat(s(longPage.kvs().get(i).value())).isEqualTo(Integer.toString(i));
            }
            assertThat(s(longPage.next())).isEqualTo("t/050");
            assertThat(longPage.count()).isEqualTo(70);
        }
    }

    @Test
    void aCheckpointStreamedToAnotherNodeRestoresTheSameStore() throws Exception {
        Path leaderData = dir.resolve("leader");
        Path followerData = dir.resolve("follower");
        StoreDirectory leader = new StoreDirectory(leaderData, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
        MvccStore store = leader.open(0, false);
        byte[] big = new byte[300_000]; // bigger than a chunk
        big[0] = '"';
        java.util.Arrays.fill(big, 1, big.length - 1, (byte) 'z');
        big[big.length - 1] = '"';
        for (int i = 1; i <= 50; i++) {
            store.apply(i, new KvCommand.Put("k" + i, i % 10 == 0 ? big : v(Integer.toString(i))));
        }
        store.apply(51, new KvCommand.Delete("k3"));
        leader.checkpoint(store.appliedIndex());

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        leader.serve(40, wire);
        StoreDirectory follower = new StoreDirectory(followerData, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
        MvccStore empty = follower.open(0, false);
        assertThat(empty.revision()).isZero();
        assertThat(follower.download(new ByteArrayInputStream(wire.toByteArray()))).contains(51L);
        MvccStore installed = follower.install(45);
        assertThat(installed.revision()).isEqualTo(store.revision());
        assertThat(installed.appliedIndex()).isEqualTo(51);
        assertThat(installed.range(new byte[0], null, Long.MAX_VALUE, 1000, false, false).kvs())
                .isEqualTo(store.range(new byte[0], null, Long.MAX_VALUE, 1000, false, false).kvs());
        assertThat(installed.get("k2", 2)).isPresent();
        assertThat(installed.get("k3")).isEmpty();

        ByteArrayOutputStream none = new ByteArrayOutputStream();
        leader.serve(52, none);
        assertThat(follower.download(new ByteArrayInputStream(none.toByteArray()))).as("nothing that recent").isEmpty();

        byte[] damaged = wire.toByteArray();
        damaged[damaged.length / 2] ^= 1;
        Path third = dir.resolve("third");
        StoreDirectory other = new StoreDirectory(third, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.download(new ByteArrayInputStream(damaged)))
                .hasMessageContaining("damaged");
        assertThat(other.hasCheckpointFrom(1)).isFalse();
        follower.close();
        leader.close();
        other.close();

        // A node whose live store is lost (or older than its snapshot) comes back from its checkpoint.
        Checkpoints.deleteTree(followerData.resolve("state"));
        StoreDirectory again = new StoreDirectory(followerData, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
        assertThat(again.open(45, true).revision()).isEqualTo(51);
        again.close();
        assertThat(Files.exists(followerData.resolve("state"))).isTrue();
    }

    @Test
    void aTransactionAppliesOneBranchAtOneRevision() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            store.apply(1, new KvCommand.Put("cfg/a", v("1")));
            store.apply(2, new KvCommand.Put("cfg/b", v("2")));
            KvCommand.Txn txn = new KvCommand.Txn(
                    List.of(new Compare("cfg/a", Compare.Target.VALUE, Compare.Op.EQUAL, v("1"), 0),
                            new Compare("cfg/c", Compare.Target.VERSION, Compare.Op.EQUAL, null, 0)),
                    List.of(new TxnOp.Put("cfg/c", v("3")), new TxnOp.Delete("cfg/b"), new TxnOp.Range("cfg/", 10),
                            new TxnOp.Put("cfg/a", v("4"))),
                    List.of(new TxnOp.Get("cfg/a")));
            Outcome.Txn done = (Outcome.Txn) store.apply(3, txn);
            assertThat(done.succeeded()).isTrue();
            assertThat(done.revision()).as("one revision for the whole branch").isEqualTo(3);
            assertThat(((OpResult.Range) done.results().get(2)).kvs()).as("reads see the branch's earlier writes")
                    .extracting(KeyValue::key).containsExactly("cfg/a", "cfg/c");
            assertThat(store.get("cfg/a")).contains(new KeyValue("cfg/a", v("4"), 1, 3, 2));
            assertThat(store.get("cfg/b")).isEmpty();
            assertThat(store.get("cfg/b", 2)).isPresent();

            Outcome.Txn again = (Outcome.Txn) store.apply(4, txn);
            assertThat(again.succeeded()).isFalse();
            assertThat(again.revision()).as("a failed compare with only reads writes nothing").isEqualTo(3);
            assertThat(((OpResult.Get) again.results().getFirst()).kv().value()).isEqualTo(v("4"));

            Outcome.Txn wipe = (Outcome.Txn) store.apply(5, new KvCommand.Txn(List.of(),
                    List.of(new TxnOp.DeletePrefix("cfg/")), List.of()));
            assertThat(((OpResult.Deleted) wipe.results().getFirst()).deleted()).isEqualTo(2);
            assertThat(store.range(v("cfg/"), v("cfg0"), Long.MAX_VALUE, 10, false, false).count()).isZero();
            assertThat(store.range(v("cfg/"), v("cfg0"), 3, 10, false, false).count()).isEqualTo(2);
        }
    }

    @Test
    void compactionKeepsWhatReadsAtOrAfterItSee() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            store.apply(1, new KvCommand.Put("a", v("1"))); // rev 1
            store.apply(2, new KvCommand.Put("a", v("2"))); // rev 2
            store.apply(3, new KvCommand.Put("b", v("1"))); // rev 3
            store.apply(4, new KvCommand.Delete("b")); // rev 4
            store.apply(5, new KvCommand.Put("a", v("3"))); // rev 5
            store.apply(6, new KvCommand.Put("c", v("1"))); // rev 6
            long before = sizeOfHistory(store);
            Outcome.Compacted done = (Outcome.Compacted) store.apply(7, new KvCommand.Compact(5));
            assertThat(done.compactedRevision()).isEqualTo(5);
            assertThat(store.compactedRevision()).isEqualTo(5);
            assertThat(store.get("a", 5).orElseThrow().value()).isEqualTo(v("3"));
            assertThat(store.get("b", 5)).isEmpty();
            assertThat(store.get("c")).isPresent();
            assertThat(sizeOfHistory(store)).as("a@1, a@2, b@3, b@4 dropped").isEqualTo(before - 4);
            store.apply(8, new KvCommand.Put("a", v("4"))); // rev 7
            store.apply(9, new KvCommand.Compact(7));
            assertThat(store.get("a", 7).orElseThrow().value()).isEqualTo(v("4"));
            assertThat(sizeOfHistory(store)).as("a@5 dropped once a@7 exists").isEqualTo(before - 4);
            assertThat(((Outcome.Compacted) store.apply(10, new KvCommand.Compact(3))).compactedRevision())
                    .as("behind the compaction: nothing changes").isEqualTo(7);
            assertThat(store.appliedIndex()).isEqualTo(10);
        }
    }

    private static long sizeOfHistory(MvccStore store) {
        return store.historyVersions();
    }

    /** What a key costs on disk with its history: printed for docs/consensus.md, bounded so a regression shows. */
    @Test
    void aKeyCostsItsValueAndAFewDozenBytesPerVersion() throws Exception {
        int keys = 20_000;
        java.util.Random random = new java.util.Random(7);
        try (MvccStore store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            long index = 0;
            long valueBytes = 0;
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < keys; i++) {
                    StringBuilder json = new StringBuilder("{\"id\":" + i + ",\"text\":\"");
                    while (json.length() < 1020) {
                        json.append((char) ('a' + random.nextInt(26)));
                    }
                    byte[] value = v(json.append("\"}").toString());
                    valueBytes += value.length;
                    store.apply(++index, new KvCommand.Put(String.format("config/service-%05d", i), value));
                }
            }
            store.checkpoint(dir.resolve("flushed")); // flushes the write buffer into table files
            long onDisk = store.sizeOnDisk();
            long perVersion = onDisk / (2L * keys);
            System.out.printf("disk cost: %d keys x 2 versions of ~1 KiB JSON (%d bytes of values): %d bytes on disk, "
                    + "%d bytes per version (value %d)%n", keys, valueBytes, onDisk, perVersion,
                    valueBytes / (2L * keys));
            assertThat(perVersion).isLessThan(valueBytes / (2L * keys) + 200);
            store.apply(++index, new KvCommand.Compact(store.revision()));
        }
    }
}
