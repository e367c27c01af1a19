package com.distpatterns.consensus.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KvStoreTest {

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPutIsReadBackWithItsLogIndexAsRevision() {
        KvStore store = new KvStore();
        assertThat(store.apply(5, new KvCommand.Put("a", json("{\"x\":1}"))))
                .isEqualTo(new KvResult.Written("a", json("{\"x\":1}"), 5));
        assertThat(store.get("a")).contains(new Versioned(json("{\"x\":1}"), 5));
    }

    @Test
    void compareAndSetSucceedsOnlyOnTheExpectedValue() {
        KvStore store = new KvStore();
        assertThat(store.apply(2, new KvCommand.CompareAndSet("a", null, json("1"))))
                .isEqualTo(new KvResult.Swapped("a", true, json("1"), 2));
        assertThat(store.apply(3, new KvCommand.CompareAndSet("a", null, json("2"))))
                .isEqualTo(new KvResult.Swapped("a", false, json("1"), 2));
        assertThat(store.apply(4, new KvCommand.CompareAndSet("a", json("1"), json("3"))))
                .isEqualTo(new KvResult.Swapped("a", true, json("3"), 4));
        assertThat(store.apply(5, new KvCommand.CompareAndSet("b", json("1"), json("3"))))
                .isEqualTo(new KvResult.Swapped("b", false, null, 0));
    }

    @Test
    void aDeleteTellsWhetherTheKeyExisted() {
        KvStore store = new KvStore();
        store.apply(2, new KvCommand.Put("a", json("1")));
        assertThat(store.apply(3, new KvCommand.Delete("a"))).isEqualTo(new KvResult.Deleted("a", true, 3));
        assertThat(store.apply(4, new KvCommand.Delete("a"))).isEqualTo(new KvResult.Deleted("a", false, 4));
        assertThat(store.get("a")).isEmpty();
    }

    @Test
    void entriesApplyInIncreasingIndexOrder() {
        KvStore store = new KvStore();
        store.apply(4, new KvCommand.Put("a", json("1")));
        assertThatThrownBy(() -> store.apply(4, new KvCommand.Put("a", json("2"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSnapshotRestoresAnEqualStore() {
        KvStore store = new KvStore();
        store.apply(2, new KvCommand.Put("b", json("2")));
        store.apply(3, new KvCommand.Put("a", json("\"é\"")));
        store.skip(4);
        KvStore restored = KvStore.restore(store.snapshot());
        assertThat(restored.appliedIndex()).isEqualTo(4);
        assertThat(restored.get("a")).contains(new Versioned(json("\"é\""), 3));
        assertThat(restored.snapshot()).isEqualTo(store.snapshot());
    }

    @Test
    void commandsSurviveTheirEncoding() {
        for (KvCommand command : new KvCommand[] {
                new KvCommand.Put("k", json("{}")),
                new KvCommand.Delete("ключ"),
                new KvCommand.CompareAndSet("k", null, json("1")),
                new KvCommand.CompareAndSet("k", json("1"), json("2"))}) {
            assertThat(KvCommandCodec.decode(KvCommandCodec.encode(command))).isEqualTo(command);
        }
        assertThatThrownBy(() -> KvCommandCodec.decode(new byte[] {9})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAreOneTo512BytesOfUtf8() {
        assertThatThrownBy(() -> new KvCommand.Delete("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KvCommand.Delete("x".repeat(513))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new KvCommand.Delete("x".repeat(512)).key()).hasSize(512);
    }
}
