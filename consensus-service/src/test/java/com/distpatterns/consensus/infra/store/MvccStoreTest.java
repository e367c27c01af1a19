package com.distpatterns.consensus.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvResult;
import com.distpatterns.consensus.core.ValueEquivalence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            KvResult.Written first = (KvResult.Written) store.apply(2, new KvCommand.Put("a", v("1")));
            assertThat(first.revision()).isEqualTo(1);
            store.skip(3); // a leader's empty entry changes nothing
            store.apply(4, new KvCommand.Put("a", v("2")));
            store.apply(5, new KvCommand.Put("b", v("x")));
            KvResult.Deleted absent = (KvResult.Deleted) store.apply(6, new KvCommand.Delete("nope"));
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

            KvResult.Swapped failed = (KvResult.Swapped) store.apply(9, new KvCommand.CompareAndSet("a", v("1"), v("4")));
            assertThat(failed.succeeded()).isFalse();
            assertThat(failed.revision()).isEqualTo(5);
            KvResult.Swapped swapped = (KvResult.Swapped) store.apply(10, new KvCommand.CompareAndSet("a", v("3"), v("4")));
            assertThat(swapped.succeeded()).isTrue();
            assertThat(swapped.revision()).isEqualTo(6);
        }
        try (MvccStore reopened = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            assertThat(reopened.revision()).isEqualTo(6);
            assertThat(reopened.appliedIndex()).isEqualTo(10);
            assertThat(reopened.get("a", 2).orElseThrow().value()).isEqualTo(v("2"));
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

            MvccStore.Range now = store.range(v("p/"), v("p0"), Long.MAX_VALUE, 10, false, false);
            assertThat(now.kvs()).extracting(KeyValue::key).containsExactly("p/a", "p/a\u0000x", "p/c", "p/d");
            assertThat(now.count()).isEqualTo(4);
            assertThat(now.next()).isNull();

            MvccStore.Range then = store.range(v("p/"), v("p0"), before, 2, true, false);
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
}
