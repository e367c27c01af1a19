package com.distpatterns.consensus.infra.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.TxnOp;
import com.distpatterns.consensus.core.ValueEquivalence;
import com.distpatterns.consensus.core.Watch;
import com.distpatterns.consensus.core.WatchEvent;
import com.distpatterns.consensus.core.WatchMessage;
import com.distpatterns.consensus.core.WatchRequest;
import com.distpatterns.consensus.infra.store.MvccStore;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub over a real store, written as the driver writes it (apply, then tell the hub): replay from history,
 * the handover to live changes while writes keep coming, transactions whole, prefixes, compaction, lagging,
 * progress.
 */
class WatchHubTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private MvccStore store;
    private WatchHub hub;
    private long index;

    @BeforeEach
    void open() throws Exception {
        store = MvccStore.open(dir.resolve("state"), MvccStore.Tuning.SMALL, ValueEquivalence.BYTES);
        start(new WatchSettings(1000, Duration.ofMinutes(10)));
    }

    private void start(WatchSettings settings) {
        if (hub != null) {
            hub.stop();
        }
        hub = new WatchHub(settings);
        hub.applied(store, store.revision());
        hub.start();
    }

    @AfterEach
    void close() {
        hub.stop();
        store.close();
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What the driver does: apply an entry, then tell the hub. */
    private void apply(KvCommand command) {
        store.apply(++index, command);
        hub.applied(store, store.revision());
    }

    private void put(String key, String value) {
        apply(new KvCommand.Put(key, v("\"" + value + "\"")));
    }

    private static WatchRequest prefix(String prefix, long from, boolean prevKv) {
        return new WatchRequest(prefix, true, from, prevKv);
    }

    /** Reads changes until {@code revision} was handed; fails on anything but changes and progress. */
    private static List<WatchMessage.Changes> readUntil(Watch watch, long revision) throws InterruptedException {
        return readUntil(watch, revision, new AtomicLong());
    }

    /** The same, setting {@code at} to the last revision handed as it goes. */
    private static List<WatchMessage.Changes> readUntil(Watch watch, long revision, AtomicLong at)
            throws InterruptedException {
        List<WatchMessage.Changes> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.isEmpty() || got.getLast().revision() < revision) {
            assertThat(System.nanoTime() - deadline).as("revision %d in time; got %d changes, the last at %s", revision,
                    got.size(), got.isEmpty() ? "none" : got.getLast().revision()).isNegative();
            WatchMessage message = watch.next(Duration.ofMillis(200));
            if (message instanceof WatchMessage.Changes changes) {
                got.add(changes);
                at.set(changes.revision());
            } else {
                assertThat(message).as("only changes or nothing").isNull();
            }
        }
        return got;
    }

    private static List<Long> revisions(List<WatchMessage.Changes> changes) {
        return changes.stream().map(WatchMessage.Changes::revision).toList();
    }

    @Test
    void replaysHistoryThenHandsOverToLiveChangesWithNoGapAndNoDuplicate() throws Exception {
        for (int i = 0; i < 300; i++) {
            put("k/" + (i % 7), "v" + i);
        }
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // Writes keep coming while the watcher replays, so the handover happens in the middle of them.
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 300; i < 3000; i++) {
                    put("k/" + (i % 7), "v" + i);
                    if (i % 50 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        List<List<Long>> seen = new ArrayList<>();
        for (long from : new long[] {1, 150, 299}) {
            try (Watch watch = hub.watch(prefix("k/", from, false))) {
                seen.add(revisions(readUntil(watch, 3000)));
            }
        }
        writer.join();
        assertThat(failed.get()).isNull();
        for (int i = 0; i < seen.size(); i++) {
            long from = new long[] {1, 150, 299}[i];
            List<Long> expected = new ArrayList<>();
            for (long r = from; r <= 3000; r++) {
                expected.add(r);
            }
            assertThat(seen.get(i)).as("every revision from %d once, in order", from).isEqualTo(expected);
        }
    }

    @Test
    void aTransactionArrivesWholeWithPreviousValuesOnlyForItsPrefix() throws Exception {
        put("app/a", "1");
        put("other/x", "1");
        try (Watch watch = hub.watch(prefix("app/", 0, true)); Watch noPrev = hub.watch(prefix("app/", 0, false))) {
            apply(new KvCommand.Txn(List.of(), List.of(new TxnOp.Put("app/a", v("2")), new TxnOp.Put("other/x", v("2")),
                    new TxnOp.Put("app/b", v("3")), new TxnOp.Delete("app/a")), List.of()));
            WatchMessage.Changes txn = readUntil(watch, 3).getFirst();
            assertThat(txn.revision()).isEqualTo(3);
            assertThat(txn.events()).containsExactly(
                    new WatchEvent(WatchEvent.Type.DELETE, new KeyValue("app/a", new byte[0], 0, 3, 0),
                            new KeyValue("app/a", v("\"1\""), 1, 1, 1)),
                    new WatchEvent(WatchEvent.Type.PUT, new KeyValue("app/b", v("3"), 3, 3, 1), null));
            assertThat(readUntil(noPrev, 3).getFirst().events()).extracting(WatchEvent::prevKv).containsOnlyNulls();
        }
    }

    @Test
    void aWatchOfOneKeyStartsAtTheNextRevisionByDefault() throws Exception {
        put("a", "1");
        try (Watch watch = hub.watch(new WatchRequest("a", false, 0, false))) {
            put("ab", "x");
            put("a", "2");
            List<WatchMessage.Changes> got = readUntil(watch, 3);
            assertThat(revisions(got)).containsExactly(3L);
            assertThat(got.getFirst().events().getFirst().kv().value()).isEqualTo(v("\"2\""));
        }
    }

    @Test
    void aWatchFromACompactedRevisionIsToldSoAndEnds() throws Exception {
        for (int i = 0; i < 10; i++) {
            put("c/" + i, "x");
        }
        apply(new KvCommand.Compact(6));
        try (Watch watch = hub.watch(prefix("c/", 5, false))) {
            assertThat(watch.next(WAIT)).isEqualTo(new WatchMessage.Compacted(6));
            assertThat(watch.next(Duration.ZERO)).as("ended").isNull();
        }
        try (Watch prev = hub.watch(prefix("c/", 6, true))) {
            assertThat(prev.next(WAIT)).as("the versions before 6 are gone").isEqualTo(new WatchMessage.Compacted(6));
        }
        try (Watch watch = hub.watch(prefix("c/", 6, false))) {
            assertThat(revisions(readUntil(watch, 10))).containsExactly(6L, 7L, 8L, 9L, 10L);
        }
    }

    @Test
    void aReaderThatFallsBehindItsBufferLagsWhileAFastOneKeepsUp() throws Exception {
        start(new WatchSettings(20, Duration.ofMinutes(10)));
        try (Watch slow = hub.watch(prefix("s/", 0, false)); Watch fast = hub.watch(prefix("s/", 0, false))) {
            assertThat(slow.next(Duration.ZERO)).isNull(); // joins the live watchers at revision 0
            assertThat(fast.next(Duration.ZERO)).isNull();
            List<WatchMessage.Changes> fastGot = new ArrayList<>();
            AtomicLong fastAt = new AtomicLong();
            AtomicReference<Throwable> readerFailed = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    fastGot.addAll(readUntil(fast, 100, fastAt));
                } catch (Throwable e) {
                    readerFailed.set(e);
                }
            });
            // The writer waits for the fast reader to be at most 10 revisions behind, half its buffer: a machine that
            // does not schedule the reader for a while must not make the fast reader the slow one.
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int i = 0; i < 100; i++) {
                while (i - fastAt.get() > 10 && readerFailed.get() == null) {
                    assertThat(System.nanoTime() - deadline).as("the fast reader at revision %d", fastAt.get())
                            .isNegative();
                    Thread.sleep(1);
                }
                put("s/" + i, "x");
            }
            reader.join();
            assertThat(readerFailed.get()).isNull();
            assertThat(revisions(fastGot)).hasSize(100).doesNotHaveDuplicates().isSorted();
            assertThat(slow.next(WAIT)).as("the slow reader was handed nothing: it resumes from 1")
                    .isEqualTo(new WatchMessage.Lagging(1));
            assertThat(slow.next(Duration.ZERO)).isNull();
        }
        try (Watch resumed = hub.watch(prefix("s/", 1, false))) {
            assertThat(revisions(readUntil(resumed, 100))).hasSize(100).doesNotHaveDuplicates().isSorted();
        }
    }

    @Test
    void anIdleWatcherIsToldTheRevisionItIsUpToDateWith() throws Exception {
        start(new WatchSettings(100, Duration.ofMillis(300)));
        put("p/a", "1");
        try (Watch watch = hub.watch(prefix("p/", 0, false))) {
            put("elsewhere", "1");
            WatchMessage message = watch.next(WAIT);
            while (message instanceof WatchMessage.Progress progress && progress.revision() < 2) {
                message = watch.next(WAIT);
            }
            assertThat(message).isEqualTo(new WatchMessage.Progress(2));
        }
    }

    @Test
    void idleWatchersCostLittleHeap() throws Exception {
        int count = 10_000;
        List<Watch> watches = new ArrayList<>(count);
        long before = usedHeapAfterGc();
        for (int i = 0; i < count; i++) {
            Watch watch = hub.watch(prefix("idle/" + (i % 100) + "/", 0, i % 2 == 0));
            watch.next(Duration.ZERO); // joins the synced watchers, as an idle stream's first read does
            watches.add(watch);
        }
        long perWatcher = (usedHeapAfterGc() - before) / count;
        System.out.println("heap per idle watcher in the hub: " + perWatcher + " bytes");
        assertThat(hub.syncedWatchers()).isEqualTo(count);
        assertThat(perWatcher).as("bytes per idle watcher").isLessThan(1024);
        watches.forEach(Watch::close);
        assertThat(hub.syncedWatchers()).isZero();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
