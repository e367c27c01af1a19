package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.store.MvccStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Serves ranges off the driver thread (one-key reads stay there). The driver only says when a read may be served (its ReadIndex round
 * applied, or at once for a local read) by completing a permit with the node's term; a reader thread then reads a
 * {@link MvccStore.View}, one RocksDB snapshot of the store as it is then: at or past the round's index, since the
 * store only moves forward. The driver goes on applying and answering meanwhile.
 *
 * <p>A checkpoint installed by the driver replaces the store and closes the old one; the old one's close waits for
 * the readers inside it, and a reader that finds it closed reads the store that replaced it.
 *
 * <p>Threads: {@link #after} from any thread (the driver completes the permit); the reads on this class's threads,
 * at most as many as the machine has cores, which end after a second idle (nothing to shut down).
 */
final class StoreReaders {

    private static final Duration IDLE = Duration.ofSeconds(1);

    private final StoreApplier applier;
    private final ThreadPoolExecutor executor;

    StoreReaders(long selfId, StoreApplier applier) {
        this.applier = applier;
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, IDLE.toMillis(), TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), runnable -> Thread.ofPlatform().daemon()
                        .name("store-reader-" + selfId + "-" + count.incrementAndGet()).unstarted(runnable));
        executor.allowCoreThreadTimeOut(true);
    }

    /** The read's answer, read once {@code permit} is completed with the term (or failed as it fails). */
    <T> CompletableFuture<T> after(CompletableFuture<Long> permit, BiFunction<MvccStore.View, Long, T> reader) {
        return permit.thenApplyAsync(term -> read(reader, term), executor);
    }

    private <T> T read(BiFunction<MvccStore.View, Long, T> reader, long term) {
        MvccStore tried = null;
        while (true) {
            MvccStore store = applier.store();
            if (store == tried) {
                throw Failures.stopping(); // closed and not replaced: the node is stopping
            }
            Optional<T> answer = store.read(view -> reader.apply(view, term));
            if (answer.isPresent()) {
                return answer.get();
            }
            tried = store;
        }
    }
}
