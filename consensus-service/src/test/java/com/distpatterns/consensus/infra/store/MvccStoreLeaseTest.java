package com.distpatterns.consensus.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.Compare;
import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.core.KvRange;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.core.TxnOp;
import com.distpatterns.consensus.core.ValueEquivalence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases in the store, on a real RocksDB: attach, detach, revoke at one revision, across a reopen and a checkpoint. */
class MvccStoreLeaseTest {

    @TempDir
    Path dir;

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private MvccStore open(String name) throws Exception {
        return MvccStore.open(dir.resolve(name), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
    }

    @Test
    void putsAttachDetachAndRevokeDeletesEveryKeyAtOneRevision() throws Exception {
        try (MvccStore store = open("state")) {
            Outcome.LeaseGranted granted = (Outcome.LeaseGranted) store.apply(2, new KvCommand.LeaseGrant(10));
            assertThat(granted.id()).as("the id is the grant's index").isEqualTo(2);
            assertThat(granted.revision()).as("a grant writes no key").isZero();
            long lease = granted.id();
            long other = ((Outcome.LeaseGranted) store.apply(3, new KvCommand.LeaseGrant(60))).id();

            store.apply(4, new KvCommand.Put("a", v("1"), lease));
            store.apply(5, new KvCommand.Txn(List.of(), List.of(new TxnOp.Put("b", v("2"), lease),
                    new TxnOp.Put("c", v("3"), lease)), List.of()));
            store.apply(6, new KvCommand.Put("d", v("4"), lease));
            store.apply(7, new KvCommand.Put("d", v("5"))); // a put without a lease detaches
            store.apply(8, new KvCommand.Put("e", v("6"), lease));
            store.apply(9, new KvCommand.Put("e", v("7"), other)); // moves to the other lease
            store.apply(10, new KvCommand.Put("f", v("8"), lease));
            store.apply(11, new KvCommand.Delete("f")); // a delete detaches

            assertThat(store.get("a").orElseThrow().lease()).isEqualTo(lease);
            assertThat(store.get("a", 4).orElseThrow().lease()).as("history keeps the lease").isEqualTo(lease);
            assertThat(store.get("d").orElseThrow().lease()).isZero();
            assertThat(store.get("d", 3).orElseThrow().lease()).isEqualTo(lease);
            KvRange range = store.range(v(""), null, Long.MAX_VALUE, 100, false, false);
            assertThat(range.kvs()).extracting(KeyValue::lease).containsExactly(lease, lease, lease, 0L, other);
            assertThat(store.leaseKeys(lease)).containsExactly("a", "b", "c");
            assertThat(store.leaseKeys(other)).containsExactly("e");
            assertThat(store.leases()).isEqualTo(Map.of(lease, 10L, other, 60L));

            long before = store.revision();
            Outcome.LeaseRevoked revoked = (Outcome.LeaseRevoked) store.apply(12, new KvCommand.LeaseRevoke(lease, 0));
            assertThat(revoked.revoked()).isTrue();
            assertThat(revoked.keys()).containsExactly("a", "b", "c");
            assertThat(revoked.revision()).as("one revision for every key").isEqualTo(before + 1);
            assertThat(store.get("a")).isEmpty();
            assertThat(store.get("b")).isEmpty();
            assertThat(store.get("c")).isEmpty();
            assertThat(store.get("a", before)).as("still in the history").isPresent();
            assertThat(store.get("d")).isPresent();
            assertThat(store.get("e")).isPresent();
            assertThat(store.leaseTtl(lease)).isEmpty();
            assertThat(store.leaseKeys(lease)).isEmpty();

            Outcome again = store.apply(13, new KvCommand.LeaseRevoke(lease, 0));
            assertThat(again).isEqualTo(new Outcome.LeaseMissing(lease, before + 1));
        }
    }

    @Test
    void aWriteUnderAMissingLeaseWritesNothing() throws Exception {
        try (MvccStore store = open("state")) {
            store.apply(2, new KvCommand.Put("x", v("1")));
            long revision = store.revision();
            assertThat(store.apply(3, new KvCommand.Put("x", v("2"), 99)))
                    .isEqualTo(new Outcome.LeaseMissing(99, revision));
            long lease = ((Outcome.LeaseGranted) store.apply(4, new KvCommand.LeaseGrant(10))).id();
            Outcome txn = store.apply(5, new KvCommand.Txn(
                    List.of(new Compare("x", Compare.Target.VERSION, Compare.Op.EQUAL, null, 1)),
                    List.of(new TxnOp.Put("y", v("3"), lease), new TxnOp.Put("z", v("4"), 77)), List.of()));
            assertThat(txn).as("the whole branch is refused").isEqualTo(new Outcome.LeaseMissing(77, revision));
            assertThat(store.revision()).isEqualTo(revision);
            assertThat(store.get("x").orElseThrow().value()).isEqualTo(v("1"));
            assertThat(store.get("y")).isEmpty();
            assertThat(store.appliedIndex()).isEqualTo(5);
        }
    }

    @Test
    void leasesSurviveAReopenAndACheckpoint() throws Exception {
        Path copy = dir.resolve("copy");
        try (MvccStore store = open("state")) {
            store.apply(2, new KvCommand.LeaseGrant(30));
            store.apply(3, new KvCommand.Put("k", v("1"), 2));
            store.checkpoint(copy);
        }
        try (MvccStore store = open("state")) {
            assertThat(store.leases()).isEqualTo(Map.of(2L, 30L));
            assertThat(store.get("k").orElseThrow().lease()).isEqualTo(2);
        }
        try (MvccStore store = MvccStore.open(copy, MvccStore.Tuning.SMALL, ValueEquivalence.BYTES)) {
            assertThat(store.leaseKeys(2)).containsExactly("k");
            store.apply(4, new KvCommand.LeaseRevoke(2, 0));
            assertThat(store.get("k")).isEmpty();
        }
    }

    @Test
    void compactionKeepsTheLeaseOfTheVersionsItKeeps() throws Exception {
        try (MvccStore store = open("state")) {
            store.apply(2, new KvCommand.LeaseGrant(30));
            store.apply(3, new KvCommand.Put("k", v("1"), 2));
            store.apply(4, new KvCommand.Put("k", v("2"), 2));
            store.apply(5, new KvCommand.Put("other", v("3")));
            store.apply(6, new KvCommand.Compact(store.revision()));
            assertThat(store.get("k").orElseThrow()).isEqualTo(new KeyValue("k", v("2"), 1, 2, 2, 2));
            assertThat(store.range(v("k"), null, 2, 10, false, false).kvs()).extracting(KeyValue::lease)
                    .containsExactly(2L);
        }
    }

    @Test
    void theCodecWritesVersionOneUntilALeaseIsUsedAndReadsBoth() {
        KvCommand plain = new KvCommand.Put("k", v("1"));
        assertThat(KvCommandCodec.encode(plain)[0]).as("readable by the version before leases").isEqualTo((byte) 1);
        assertThat(KvCommandCodec.decode(KvCommandCodec.encode(plain))).isEqualTo(plain);
        List<KvCommand> leased = List.of(new KvCommand.Put("k", v("1"), 7), new KvCommand.LeaseGrant(10),
                new KvCommand.LeaseRevoke(7, 3));
        for (KvCommand command : leased) {
            byte[] bytes = KvCommandCodec.encode(command);
            assertThat(bytes[0]).isEqualTo((byte) 2);
            assertThat(KvCommandCodec.decode(bytes)).isEqualTo(command);
        }
        KvCommand.Txn txn = (KvCommand.Txn) KvCommandCodec.decode(KvCommandCodec.encode(new KvCommand.Txn(List.of(),
                List.of(new TxnOp.Put("a", v("1"), 5), new TxnOp.Put("b", v("2"))), List.of())));
        assertThat(txn.success()).containsExactly(new TxnOp.Put("a", v("1"), 5), new TxnOp.Put("b", v("2")));
    }
}
