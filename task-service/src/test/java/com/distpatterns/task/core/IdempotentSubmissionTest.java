package com.distpatterns.task.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two submissions with one idempotency key, the second arriving while the first still waits for the broker's
 * confirm: the second is answered only once the first task is on the queue, and takes its place if it never gets
 * there. The broker and Redis are in-memory stand-ins here only to hold the first confirm back at will; the same
 * flow against the real ones is in ApiOnlyTest.
 */
class IdempotentSubmissionTest {

    private static final Map<String, Object> ARGS = Map.of("n", 5);

    private final InMemoryStore store = new InMemoryStore();
    private final GatedQueue queue = new GatedQueue();
    private final TaskService service = new TaskService(store, null, queue, task -> {},
            new TaskLimits(400, Duration.ofSeconds(60), 20, 10, 10_000, 200), 3,
            new TaskMetrics(new SimpleMeterRegistry()),
            Clock.systemUTC(), Duration.ofSeconds(5));

    @Test
    void aSecondSubmissionIsAnsweredOnlyOnceTheFirstIsConfirmed() throws Exception {
        Submissions both = secondWhileFirstAwaitsItsConfirm("key-1");

        queue.confirm();
        String id = both.first().get(5, TimeUnit.SECONDS).id();
        assertThat(both.second().get(5, TimeUnit.SECONDS).id()).isEqualTo(id);
        assertThat(queue.queued).hasSize(1);
    }

    @Test
    void whenTheFirstIsNeverConfirmedTheSecondTakesItsPlace() throws Exception {
        Submissions both = secondWhileFirstAwaitsItsConfirm("key-2");

        queue.refuse();
        assertThatThrownBy(() -> both.first().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(QueueUnavailableException.class);
        TaskService.Accepted accepted = both.second().get(5, TimeUnit.SECONDS);
        assertThat(queue.queued).extracting(TaskMessage::id).containsExactly(accepted.id());
        assertThat(store.queued(accepted.id())).contains(true);
    }

    record Submissions(CompletableFuture<TaskService.Accepted> first, CompletableFuture<TaskService.Accepted> second) {}

    /** Two submissions with one key, the second made while the first's publish is held back. */
    private Submissions secondWhileFirstAwaitsItsConfirm(String key) throws InterruptedException {
        CompletableFuture<TaskService.Accepted> first = CompletableFuture.supplyAsync(
                () -> service.submit("factorial", ARGS, 0, key));
        assertThat(queue.publishing.await(5, TimeUnit.SECONDS)).as("the first submission publishing").isTrue();
        CompletableFuture<TaskService.Accepted> second = CompletableFuture.supplyAsync(
                () -> service.submit("factorial", ARGS, 0, key));
        Thread.sleep(200);
        assertThat(second).as("answered before the first task was confirmed").isNotDone();
        return new Submissions(first, second);
    }

    /** Holds the first publish until the test confirms or refuses it; later ones go through. */
    static final class GatedQueue implements TaskQueue {
        final CountDownLatch publishing = new CountDownLatch(1);
        final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        final List<TaskMessage> queued = new CopyOnWriteArrayList<>();
        private boolean first = true;

        void confirm() {
            outcome.complete(true);
        }

        void refuse() {
            outcome.complete(false);
        }

        @Override
        public void enqueue(TaskMessage message) {
            boolean gated;
            synchronized (this) {
                gated = first;
                first = false;
            }
            if (gated) {
                publishing.countDown();
                if (!outcome.join()) {
                    throw new QueueUnavailableException("refused by the test", null);
                }
            }
            queued.add(message);
        }

        @Override
        public void enqueueAll(List<TaskMessage> messages) {
            messages.forEach(this::enqueue);
        }

        @Override
        public void scheduleRetry(TaskMessage message, int attempt, RetryPolicy.RetryDelay delay) {
            throw new UnsupportedOperationException();
        }
    }

    /** The part of the store that submissions use, as the Redis scripts behave. */
    static final class InMemoryStore implements TaskStore {
        private final Map<String, String> keys = new ConcurrentHashMap<>();
        private final Map<String, Boolean> tasks = new ConcurrentHashMap<>();

        @Override
        public synchronized String create(NewTask task, Optional<String> idempotencyKey) {
            if (idempotencyKey.isPresent()) {
                String owner = keys.putIfAbsent(idempotencyKey.get(), task.id());
                if (owner != null) {
                    return owner;
                }
            }
            tasks.put(task.id(), false);
            return task.id();
        }

        @Override
        public synchronized void discard(String taskId, Optional<String> idempotencyKey) {
            tasks.remove(taskId);
            idempotencyKey.ifPresent(key -> keys.remove(key, taskId));
        }

        @Override
        public void markQueued(String taskId) {
            tasks.computeIfPresent(taskId, (id, queued) -> true);
        }

        @Override
        public Optional<Boolean> queued(String taskId) {
            return Optional.ofNullable(tasks.get(taskId));
        }

        @Override
        public Optional<TaskView> find(String taskId) {
            return tasks.containsKey(taskId)
                    ? Optional.of(new TaskView(taskId, "factorial", TaskStatus.PENDING, 0, null, null, Instant.now(),
                            Instant.now(), null))
                    : Optional.empty();
        }

        @Override
        public void createBatch(String batchId, List<NewTask> chunks, Instant createdAt) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void discardBatch(String batchId, List<String> taskIds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<BatchView> findBatch(String batchId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Claim claim(String taskId, int attempt, Instant now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean recordRetry(String taskId, int attempt, String error, Instant now, Duration delay) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<TaskView> recordSuccess(String taskId, int attempt, String resultJson, Instant now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<TaskView> recordFailure(String taskId, int attempt, String error, Instant now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RevokeOutcome revoke(String taskId, Instant now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void countInBatch(String taskId) {
            throw new UnsupportedOperationException();
        }
    }
}
