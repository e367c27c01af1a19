package com.distpatterns.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Tasks submitted together ({@link TaskClient#submitBatch}): their progress, and one future of all their results
 * in submission order, fed by the same {@code task.*} events as each {@link TaskHandle}.
 */
public final class BatchHandle {

    /** Where a batch stands: tasks finished (succeeded + failed) out of total. */
    public record Progress(int total, int succeeded, int failed) {
        public int completed() {
            return succeeded + failed;
        }

        /** 0.0 .. 1.0. */
        public double fraction() {
            return total == 0 ? 1.0 : (double) completed() / total;
        }

        public boolean done() {
            return completed() == total;
        }
    }

    private final List<TaskHandle> tasks;
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<Consumer<Progress>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<List<JsonNode>> results;

    BatchHandle(List<TaskHandle> tasks) {
        this.tasks = List.copyOf(tasks);
        List<CompletableFuture<JsonNode>> each = new ArrayList<>();
        for (TaskHandle task : this.tasks) {
            // Counted before the batch's own future sees it: results() never completes ahead of progress().
            CompletableFuture<JsonNode> counted = task.result().whenComplete((value, failure) -> {
                (failure == null ? succeeded : failed).incrementAndGet();
                Progress now = progress();
                for (Consumer<Progress> listener : listeners) {
                    try {
                        listener.accept(now);
                    } catch (RuntimeException e) {
                        // A listener's failure is its own: the batch's results stay what the tasks gave.
                        System.getLogger(BatchHandle.class.getName()).log(System.Logger.Level.WARNING,
                                "batch progress listener failed", e);
                    }
                }
            });
            each.add(counted);
        }
        // Completes once every task ended: the results in order, or the first failure (in submission order).
        this.results = CompletableFuture
                .allOf(each.stream().map(f -> f.handle((v, e) -> v)).toArray(CompletableFuture[]::new))
                .thenApply(ignored -> {
                    List<JsonNode> values = new ArrayList<>(each.size());
                    for (CompletableFuture<JsonNode> result : each) {
                        values.add(result.join());
                    }
                    return Collections.unmodifiableList(values);
                });
    }

    public List<TaskHandle> tasks() {
        return tasks;
    }

    public int total() {
        return tasks.size();
    }

    public Progress progress() {
        return new Progress(tasks.size(), succeeded.get(), failed.get());
    }

    /**
     * Told at once of the progress so far (on the calling thread), then of every task that ends (on a client thread;
     * return quickly) with the batch's progress after it. Telling at once is what lets a listener registered after the
     * last task ended still see 100%; a task ending during registration may be reported twice, never skipped.
     */
    public BatchHandle onProgress(Consumer<Progress> listener) {
        listeners.add(listener);
        listener.accept(progress());
        return this;
    }

    /**
     * Every result in submission order, once all tasks ended; exceptionally with the first failed task's
     * {@link TaskFailedException} (in submission order) if any failed, after all ended.
     */
    public CompletableFuture<List<JsonNode>> results() {
        return results.thenApply(list -> list);
    }
}
