package com.distpatterns.task.core;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side: claims a delivered task, runs it, stores the outcome, and only then lets the message go
 * (acks late). Every step is conditional on the stored state, so a redelivered message never runs a task that
 * already finished, and a worker that dies mid-task leaves a message that another worker will run.
 */
public final class TaskWorker {

    private static final Logger log = LoggerFactory.getLogger(TaskWorker.class);
    private static final int MAX_ERROR_LENGTH = 2_000;

    private final TaskStore store;
    private final TaskQueue queue;
    private final TaskEvents events;
    private final TaskExecutor executor;
    private final TaskTypes types;
    private final HttpTaskRunner httpTasks;
    private final PullStore pull;
    private final RetryPolicy retryPolicy;
    private final TaskLimits limits;
    private final Function<Object, String> toJson;
    private final TaskMetrics metrics;
    private final Clock clock;
    private final RandomGenerator random;

    public TaskWorker(TaskStore store, TaskQueue queue, TaskEvents events, TaskExecutor executor, TaskTypes types,
            HttpTaskRunner httpTasks, PullStore pull, RetryPolicy retryPolicy, TaskLimits limits,
            Function<Object, String> toJson, TaskMetrics metrics, Clock clock,
            RandomGenerator random) {
        this.store = store;
        this.queue = queue;
        this.events = events;
        this.executor = executor;
        this.types = types;
        this.httpTasks = httpTasks;
        this.pull = pull;
        this.retryPolicy = retryPolicy;
        this.limits = limits;
        this.toJson = toJson;
        this.metrics = metrics;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Handles one delivery.
     *
     * @param attempt the attempt the message carries: 1 for the first run, one more for each retry
     * @throws InterruptedException when the worker is stopping (the message goes back to the queue)
     * @throws RuntimeException when the store or broker is unreachable (the message goes back to the queue)
     */
    public Disposition handle(TaskMessage message, int attempt) throws InterruptedException {
        if (!TaskTypes.builtIn(message.type())) {
            Optional<RegisteredType> type = types.find(message.type());
            // Looked up again before a hand-over: a task put into the schedule of a type just deleted would wait there.
            if (type.isPresent() && type.get().mode() == TaskMode.PULL && types.findNow(message.type()).isPresent()) {
                // The users' workers lease it from here; the message is done once the task is leasable (acks late).
                pull.offer(message.type(), message.id(), toJson.apply(message.args()), message.maxRetries(),
                        clock.instant());
                // And once more after: a delete between the look-up and the offer removed the type, then ended what its
                // schedule held, perhaps before this offer landed. If the type is gone now, end what it holds here; if it
                // is still there, a later delete's own pass will find this task.
                if (types.findNow(message.type()).isEmpty()) {
                    PullTasks.abandon(message.type(), pull, store, metrics, events, clock);
                }
                return Disposition.ACK;
            }
        }
        Claim claim = store.claim(message.id(), attempt, clock.instant());
        switch (claim) {
            case RUN -> {}
            case SUCCEEDED -> {
                // Acked late means the result may be stored but its batch count or announcement lost: do both again (the
                // count is once per chunk, the event has the same id).
                settleAgain(message);
                return Disposition.ACK;
            }
            case FAILED -> {
                settleAgain(message);
                return Disposition.DEAD_LETTER;
            }
            case REVOKED -> {
                if (message.batchId() != null) {
                    store.countInBatch(message.id());
                }
                log.info("task skipped: revoked task={} type={}", message.id(), message.type());
                return Disposition.ACK;
            }
            case STALE, MISSING -> {
                log.info("task dropped: {} task={} type={} attempt={}", claim, message.id(), message.type(), attempt);
                return Disposition.ACK;
            }
        }

        if (!TaskTypes.builtIn(message.type())) {
            return runRegistered(message, attempt);
        }
        TaskSpec spec;
        try {
            spec = TaskSpec.parse(message.type(), message.args(), limits);
        } catch (InvalidTaskException e) {
            // Accepted under other limits or altered on the way: running it again cannot help.
            return fail(message, attempt, "Not a valid task: " + e.getMessage());
        }

        Object result;
        try {
            result = executor.execute(spec, attempt);
        } catch (TaskFailedException | RuntimeException e) {
            String error = describe(e);
            if (attempt <= message.maxRetries() && beforeDeadline(message)) {
                return retry(message, attempt, error, retryPolicy.delayBefore(attempt, random));
            }
            return fail(message, attempt, error);
        }

        return succeed(message, attempt, result);
    }

    private Disposition succeed(TaskMessage message, int attempt, Object result) {
        store.recordSuccess(message.id(), attempt, toJson.apply(result), clock.instant())
                .ifPresent(task -> {
                    metrics.succeeded(task.type());
                    events.announce(task);
                });
        return Disposition.ACK;
    }

    /** A task of a user's type: its endpoint called, its own backoff between attempts. */
    private Disposition runRegistered(TaskMessage message, int attempt) throws InterruptedException {
        Optional<RegisteredType> type = types.find(message.type());
        if (type.isEmpty() || type.get().mode() != TaskMode.HTTP) {
            // A pull type reaches here only when it was deleted just now (see the hand-over above).
            return fail(message, attempt, "Task type '" + message.type() + "' was deleted before this task ran.");
        }
        HttpTaskRunner.Result result = httpTasks.run(type.get(), message, attempt);
        return switch (result) {
            case HttpTaskRunner.Result.Succeeded succeeded -> succeed(message, attempt, succeeded.result());
            case HttpTaskRunner.Result.Refused refused -> fail(message, attempt, refused.error());
            case HttpTaskRunner.Result.Retryable retryable -> attempt <= message.maxRetries() && beforeDeadline(message)
                    ? retry(message, attempt, retryable.error(),
                            retryPolicy.holding(type.get().backoff().delayBefore(attempt, random).delay()))
                    : fail(message, attempt, retryable.error());
        };
    }

    /** A procedure call's task is not retried once its caller stopped waiting. */
    private boolean beforeDeadline(TaskMessage message) {
        return message.deadline() == null || clock.millis() < message.deadline();
    }

    private void settleAgain(TaskMessage message) {
        if (message.batchId() != null) {
            store.countInBatch(message.id());
        }
        store.find(message.id()).ifPresent(events::announce);
    }

    private Disposition retry(TaskMessage message, int attempt, String error, RetryPolicy.RetryDelay delay) {
        // The retry is published (and confirmed) before the state says RETRY: a crash in between runs the task once
        // more, where the other order could strand it in RETRY with no message left.
        queue.scheduleRetry(message, attempt + 1, delay);
        if (store.recordRetry(message.id(), attempt, error, clock.instant(), delay.delay())) {
            metrics.retried(message.type());
            log.info("task retry scheduled task={} type={} attempt={} of={} delayMs={} error=\"{}\"", message.id(),
                    message.type(), attempt, message.maxRetries() + 1, delay.delay().toMillis(), error);
        }
        return Disposition.ACK;
    }

    private Disposition fail(TaskMessage message, int attempt, String error) {
        var failed = store.recordFailure(message.id(), attempt, error, clock.instant());
        if (failed.isEmpty()) {
            // Another delivery of the same attempt finished the task first; this copy is redundant.
            return Disposition.ACK;
        }
        TaskView task = failed.get();
        metrics.failed(task.type());
        log.warn("task dead-lettered task={} type={} attempts={} error=\"{}\"", task.id(), task.type(), task.attempts(),
                error);
        events.announce(task);
        return Disposition.DEAD_LETTER;
    }

    private static String describe(Exception e) {
        String text = e instanceof TaskFailedException
                ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }
}
