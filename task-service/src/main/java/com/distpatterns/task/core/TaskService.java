package com.distpatterns.task.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the queue: validates and records a task, then publishes it; answers only once the broker
 * confirmed, and leaves no trace of a task whose message did not make it.
 */
public final class TaskService {

    /** A task accepted for execution. */
    public record Accepted(String id, TaskStatus status) {}

    /** A batch accepted: its id and how many chunk tasks it queued. */
    public record BatchAccepted(String id, int tasks) {}

    public static final String BATCH_TYPE = "transform";
    public static final int DEFAULT_CHUNK_SIZE = 1000;

    private static final Logger log = LoggerFactory.getLogger(TaskService.class);
    private static final Duration FIRST_SUBMISSION_POLL = Duration.ofMillis(10);
    private static final Duration CALL_POLL = Duration.ofMillis(5);
    private static final Pattern TASK_ID = Pattern
            .compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final TaskStore store;
    private final TaskTypes types;
    private final TaskQueue queue;
    private final TaskEvents events;
    private final TaskLimits limits;
    private final int defaultMaxRetries;
    private final TaskMetrics metrics;
    private final Clock clock;
    private final Duration firstSubmissionWait;

    /**
     * @param firstSubmissionWait how long a submission whose idempotency key another one holds waits for that one's
     *     task to be confirmed on the queue
     */
    public TaskService(TaskStore store, TaskTypes types, TaskQueue queue, TaskEvents events, TaskLimits limits,
            int defaultMaxRetries,
            TaskMetrics metrics, Clock clock, Duration firstSubmissionWait) {
        this.store = store;
        this.types = types;
        this.queue = queue;
        this.events = events;
        this.limits = limits;
        this.defaultMaxRetries = defaultMaxRetries;
        this.metrics = metrics;
        this.clock = clock;
        this.firstSubmissionWait = firstSubmissionWait;
    }

    /**
     * Queues one task. With an idempotency key already used, queues nothing and answers the first task.
     *
     * @throws InvalidTaskException before anything is recorded
     * @throws QueueUnavailableException when the broker did not confirm (the task is forgotten again)
     */
    public Accepted submit(String type, Map<String, Object> args, Integer maxRetries, String idempotencyKey) {
        return submit(type, args, maxRetries, idempotencyKey, null);
    }

    /**
     * Runs one task of any type as a procedure: queued as a task, answered when it finishes or the timeout passes.
     * At the timeout a task not yet running is revoked, and a running one is not retried afterwards.
     *
     * @return the task's result as JSON text
     * @throws TaskNotFoundException for an unknown type
     * @throws TaskFailedException when the handler failed the task
     * @throws RpcTimeoutException when no answer came in time
     */
    public String call(String type, Map<String, Object> args, Duration timeout) throws TaskFailedException {
        if (type == null || (!TaskTypes.builtIn(type) && types.find(type).isEmpty())) {
            throw new TaskNotFoundException("No task type '" + type + "'.");
        }
        Instant deadline = clock.instant().plus(timeout);
        String id = submit(type, args, null, null, deadline.toEpochMilli()).id();
        while (true) {
            Optional<TaskView> task = store.find(id);
            if (task.isPresent()) {
                switch (task.get().status()) {
                    case SUCCESS -> {
                        return task.get().result();
                    }
                    case FAILURE, REVOKED -> throw new TaskFailedException(task.get().error() == null
                            ? "The task was " + task.get().status() + "."
                            : task.get().error());
                    default -> {}
                }
            }
            if (!clock.instant().isBefore(deadline)) {
                try {
                    store.revoke(id, clock.instant());
                } catch (RuntimeException e) {
                    log.warn("procedure call past its deadline not revoked task={} reason={}", id, e.getMessage());
                }
                throw new RpcTimeoutException("No answer from a '" + type + "' handler within " + timeout.toMillis()
                        + " ms; the task was revoked if it had not started, and is not retried.");
            }
            try {
                Thread.sleep(CALL_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RpcTimeoutException("Interrupted while waiting for the answer.");
            }
        }
    }

    private Accepted submit(String type, Map<String, Object> args, Integer maxRetries, String idempotencyKey,
            Long deadline) {
        int retries;
        if (type != null && !TaskTypes.builtIn(type)) {
            // A user's type takes any JSON object as args: its handler is the judge of them.
            RegisteredType registered = types.find(type)
                    .orElseThrow(() -> new InvalidTaskException("Unknown task type '"
                            + type + "': use one of " + String.join(", ", TaskSpec.TYPES)
                            + " or a type registered with PUT"
                            + " /api/task-types/{type}."));
            retries = maxRetries(maxRetries != null ? maxRetries : registered.maxRetries());
        } else {
            TaskSpec.parse(type, args, limits);
            retries = maxRetries(maxRetries);
        }
        Optional<String> key = idempotencyKey(idempotencyKey);
        long giveUpAt = System.nanoTime() + firstSubmissionWait.toNanos();
        while (true) {
            String id = UUID.randomUUID().toString();
            String owner = store.create(new NewTask(id, type, clock.instant(), null, null), key);
            if (owner.equals(id)) {
                try {
                    queue.enqueue(new TaskMessage(id, type, args, retries, null, null, deadline));
                } catch (RuntimeException e) {
                    forget(() -> store.discard(id, key), e);
                    throw e;
                }
                if (key.isPresent()) {
                    markQueued(id);
                }
                metrics.submitted(type, 1);
                return new Accepted(id, TaskStatus.PENDING);
            }
            // The key's first task may still be waiting for the broker's confirm: answer with it only once it is on the
            // queue, and take its place if it never gets there, so that no 202 stands for a task that will not run.
            Optional<Accepted> first = awaitQueued(owner, giveUpAt);
            if (first.isPresent()) {
                return first.get();
            }
        }
    }

    /** The task is on the queue whatever happens here: a failing store only makes a second submission wait longer. */
    private void markQueued(String id) {
        try {
            store.markQueued(id);
        } catch (RuntimeException e) {
            log.warn("task queued but not marked so task={} reason={}", id, e.getMessage());
        }
    }

    /** The task holding an idempotency key once it is queued; empty when it was discarded (its key is free again). */
    private Optional<Accepted> awaitQueued(String owner, long giveUpAt) {
        while (true) {
            Optional<Boolean> queued = store.queued(owner);
            if (queued.isEmpty()) {
                return Optional.empty();
            }
            if (queued.get()) {
                return Optional
                        .of(new Accepted(owner, store.find(owner).map(TaskView::status).orElse(TaskStatus.PENDING)));
            }
            if (System.nanoTime() - giveUpAt >= 0) {
                throw new QueueUnavailableException(
                        "The first submission with this idempotency key is still waiting for the"
                                + " broker's confirm; submit again shortly.",
                        null);
            }
            try {
                Thread.sleep(FIRST_SUBMISSION_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueueUnavailableException("Interrupted while waiting for the first submission with this key.",
                        e);
            }
        }
    }

    /**
     * The article's {@code process_large_dataset}: one {@code transform} task per chunk of {@code chunkSize} items.
     *
     * @param type the chunks' task type; only {@code transform} takes items ({@code null} means transform)
     */
    public BatchAccepted submitBatch(String type, List<Object> items, Integer chunkSize, Integer maxRetries) {
        String chunkType = type == null ? BATCH_TYPE : type;
        if (!BATCH_TYPE.equals(chunkType)) {
            throw new InvalidTaskException(
                    "A batch splits 'items' into chunks and runs each chunk as a 'transform' task;"
                            + " type '" + chunkType + "' takes no items. Use type 'transform' or leave it out.");
        }
        if (items == null || items.isEmpty()) {
            throw new InvalidTaskException("'items' must be a non-empty array of numbers.");
        }
        int size = chunkSize == null ? DEFAULT_CHUNK_SIZE : chunkSize;
        if (size < 1) {
            throw new InvalidTaskException("'chunkSize' must be at least 1, not " + size + ".");
        }
        int chunks = (items.size() + size - 1) / size;
        if (chunks > limits.maxBatchTasks()) {
            throw new InvalidTaskException(items.size() + " items in chunks of " + size + " make " + chunks
                    + " tasks; a batch may have at most " + limits.maxBatchTasks() + ". Use a larger chunkSize.");
        }
        try {
            TaskSpec.parse(BATCH_TYPE, Map.of("items", items), limits);
        } catch (InvalidTaskException e) {
            // The batch's items are the chunks' args.items; name them as the client sent them.
            throw new InvalidTaskException(e.getMessage().replace("args.items", "items"));
        }
        int retries = maxRetries(maxRetries);

        String batchId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        List<NewTask> tasks = new ArrayList<>(chunks);
        List<TaskMessage> messages = new ArrayList<>(chunks);
        for (int chunk = 0; chunk < chunks; chunk++) {
            String id = UUID.randomUUID().toString();
            List<Object> slice = items.subList(chunk * size, Math.min(items.size(), (chunk + 1) * size));
            tasks.add(new NewTask(id, BATCH_TYPE, now, batchId, chunk));
            messages.add(new TaskMessage(id, BATCH_TYPE, Map.of("items", slice), retries, batchId, chunk, null));
        }
        store.createBatch(batchId, tasks, now);
        try {
            queue.enqueueAll(messages);
        } catch (RuntimeException e) {
            forget(() -> store.discardBatch(batchId, tasks.stream().map(NewTask::id).toList()), e);
            throw e;
        }
        metrics.submitted(BATCH_TYPE, chunks);
        return new BatchAccepted(batchId, chunks);
    }

    public TaskView find(String id) {
        return (isId(id) ? store.find(id) : Optional.<TaskView>empty()).orElseThrow(() -> new TaskNotFoundException(
                "No task '" + id + "': it never existed or its record expired."));
    }

    public BatchView findBatch(String id) {
        return (isId(id) ? store.findBatch(id) : Optional.<BatchView>empty())
                .orElseThrow(() -> new TaskNotFoundException(
                        "No batch '" + id + "': it never existed or its record expired."));
    }

    /** Ids are the UUIDs this service hands out: anything else names nothing, and never reaches a store key. */
    private static boolean isId(String id) {
        return id != null && TASK_ID.matcher(id).matches();
    }

    /**
     * Revokes a task that has not started (PENDING, or waiting for a retry): workers will skip it.
     *
     * @throws RevokeRefusedException when it already started or finished
     */
    public TaskView revoke(String id) {
        if (!isId(id)) {
            throw new TaskNotFoundException("No task '" + id + "'.");
        }
        RevokeOutcome outcome = store.revoke(id, clock.instant());
        TaskView task = find(id);
        switch (outcome) {
            case REVOKED -> announceRevoked(task);
            case ALREADY_REVOKED -> {}
            case ALREADY_STARTED -> throw new RevokeRefusedException("Task '" + id + "' has already started; only a"
                    + " task that has not started can be revoked.", task.status());
            case ALREADY_FINISHED -> throw new RevokeRefusedException("Task '" + id + "' has already finished ("
                    + task.status() + ").", task.status());
            case NOT_FOUND -> throw new TaskNotFoundException("No task '" + id + "'.");
        }
        return task;
    }

    private void announceRevoked(TaskView task) {
        metrics.revoked(task.type());
        try {
            events.announce(task);
        } catch (RuntimeException e) {
            // The revocation is stored and workers honour it; only subscribers miss the news.
            log.warn("task.revoked not announced task={} reason={}", task.id(), e.getMessage());
        }
    }

    private int maxRetries(Integer requested) {
        int retries = requested == null ? defaultMaxRetries : requested;
        if (retries < 0 || retries > limits.maxRetries()) {
            throw new InvalidTaskException(
                    "'maxRetries' must be from 0 to " + limits.maxRetries() + ", not " + retries + ".");
        }
        return retries;
    }

    private Optional<String> idempotencyKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        if (key.isBlank() || key.length() > limits.maxIdempotencyKeyLength()) {
            throw new InvalidTaskException("'idempotencyKey' must be 1 to " + limits.maxIdempotencyKeyLength()
                    + " characters, not blank.");
        }
        return Optional.of(key);
    }

    private static void forget(Runnable discard, RuntimeException cause) {
        try {
            discard.run();
        } catch (RuntimeException e) {
            // The store is failing too; the record expires with its TTL, and a worker drops a message it cannot claim.
            cause.addSuppressed(e);
        }
    }
}
