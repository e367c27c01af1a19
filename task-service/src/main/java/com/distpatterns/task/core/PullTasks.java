package com.distpatterns.task.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks of pull types, leased over HTTP by the users' own workers, like the pull queues of managed task services:
 * a lease hides a task from other workers until it ends; complete, fail or heartbeat count only while it holds; a
 * lease that ends puts the task back (counted as an attempt).
 */
public final class PullTasks {

    /** One leased task. */
    public record Lease(String leaseId, String taskId, int attempt, String argsJson, Instant leaseExpiresAt) {}

    public static final int MAX_LEASES = 256;
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    public static final Duration MIN_LEASE = Duration.ofSeconds(1);
    public static final Duration MAX_LEASE = Duration.ofHours(1);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int MAX_ERROR_LENGTH = 2_000;
    private static final Pattern TASK_ID = Pattern
            .compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final Logger log = LoggerFactory.getLogger(PullTasks.class);

    private final PullStore pull;
    private final TaskStore store;
    private final TaskTypes types;
    private final TaskEvents events;
    private final TaskMetrics metrics;
    private final Clock clock;
    private final RandomGenerator random;

    public PullTasks(PullStore pull, TaskStore store, TaskTypes types, TaskEvents events, TaskMetrics metrics,
            Clock clock, RandomGenerator random) {
        this.pull = pull;
        this.store = store;
        this.types = types;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Leases up to {@code max} tasks, waiting up to {@code wait} for the first.
     *
     * @throws TaskNotFoundException for a type that is not registered
     * @throws InvalidTaskException for a type that is not a pull type, or bounds not kept
     */
    public List<Lease> lease(String type, Integer max, Long waitMs, Long leaseMs) throws InterruptedException {
        RegisteredType registered = pullType(type);
        int count = max == null ? 1 : max;
        if (count < 1 || count > MAX_LEASES) {
            throw new InvalidTaskException("'max' must be from 1 to " + MAX_LEASES + ", not " + count + ".");
        }
        Duration wait = Duration.ofMillis(waitMs == null ? 0 : waitMs);
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw new InvalidTaskException(
                    "'waitMs' must be from 0 to " + MAX_WAIT.toMillis() + ", not " + waitMs + ".");
        }
        Duration leaseFor = leaseDuration(leaseMs);
        long giveUpAt = System.nanoTime() + wait.toNanos();
        List<Lease> leases = new ArrayList<>();
        while (true) {
            Instant now = clock.instant();
            Instant ends = now.plus(leaseFor);
            for (String id : pull.due(registered.name(), count - leases.size(), now, ends)) {
                String leaseId = UUID.randomUUID().toString();
                switch (pull.claim(id, leaseId, now, ends)) {
                    case PullStore.Claim.Leased leased ->
                        leases.add(new Lease(leaseId, id, leased.attempt(), leased.argsJson(),
                                ends));
                    case PullStore.Claim.Held held -> pull.reschedule(registered.name(), id, held.until());
                    case PullStore.Claim.Gone gone -> pull.unschedule(registered.name(), id);
                    case PullStore.Claim.Exhausted exhausted -> {
                        pull.unschedule(registered.name(), id);
                        finished(id);
                    }
                }
            }
            if (!leases.isEmpty() || System.nanoTime() - giveUpAt >= 0) {
                return leases;
            }
            Thread.sleep(POLL);
        }
    }

    /** Ends the leasable tasks of a type just deleted: FAILURE, saying so, none dropped silently. */
    public void abandon(String type) {
        abandon(type, pull, store, metrics, events, clock);
    }

    /**
     * Ends the leasable tasks of a deleted type, each announced once, by whichever caller ended it: the delete's own
     * call and a worker that offered a task as the type was being deleted may both run it.
     */
    static void abandon(String type, PullStore pull, TaskStore store, TaskMetrics metrics, TaskEvents events,
            Clock clock) {
        for (String id : pull.abandon(type, "Task type '" + type + "' was deleted before this task finished.",
                clock.instant())) {
            store.find(id).ifPresent(task -> {
                metrics.failed(task.type());
                events.announce(task);
            });
        }
    }

    public TaskView complete(String taskId, String leaseId, String resultJson) {
        return settle(taskId, leaseId, PullStore.Action.COMPLETE, resultJson, null);
    }

    /** @param retry whether the task may run again (within its retries, after the type's backoff) */
    public TaskView fail(String taskId, String leaseId, String error, boolean retry) {
        String text = error == null || error.isBlank() ? "failed by its worker" : error;
        text = text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
        TaskView task = existing(taskId);
        RegisteredType type = types.find(task.type()).orElse(null);
        if (retry && type != null && task.attempts() <= pull.maxRetries(taskId)) {
            Instant due = clock.instant().plus(type.backoff().delayBefore(task.attempts(), random).delay());
            return settle(taskId, leaseId, PullStore.Action.RETRY, Long.toString(due.toEpochMilli()), text);
        }
        return settle(taskId, leaseId, PullStore.Action.FAIL, text, null);
    }

    public TaskView heartbeat(String taskId, String leaseId, Long leaseMs) {
        Instant ends = clock.instant().plus(leaseDuration(leaseMs));
        return settle(taskId, leaseId, PullStore.Action.HEARTBEAT, Long.toString(ends.toEpochMilli()), null);
    }

    private TaskView settle(String taskId, String leaseId, PullStore.Action action, String payload, String error) {
        if (leaseId == null || leaseId.isBlank()) {
            existing(taskId);
            throw new InvalidTaskException("'leaseId' is required: the id the lease answered with.");
        }
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw new TaskNotFoundException("No task '" + taskId + "'.");
        }
        // The script first, the task read once afterwards: a completion, the hot path of a pull worker, costs one read
        // of the task instead of two. Only a refusal reads it again, to tell an unknown task (404) from a lost lease.
        Optional<TaskStatus> settled = pull.settle(taskId, leaseId, action, payload, error, clock.instant());
        if (settled.isEmpty()) {
            existing(taskId);
            throw new LeaseLostException("Lease '" + leaseId + "' no longer holds task '" + taskId
                    + "': it expired, or the task finished or was revoked.");
        }
        TaskStatus status = settled.get();
        TaskView task = existing(taskId);
        // The second step, in the type's schedule; a lease that meets an entry out of step puts it right.
        switch (status) {
            case SUCCESS, FAILURE -> pull.unschedule(task.type(), taskId);
            case RETRY, STARTED -> pull.reschedule(task.type(), taskId, Instant.ofEpochMilli(Long.parseLong(payload)));
            default -> {}
        }
        if (status == TaskStatus.SUCCESS || status == TaskStatus.FAILURE) {
            announceFinished(task);
        } else if (status == TaskStatus.RETRY) {
            metrics.retried(task.type());
        }
        return task;
    }

    private TaskView finished(String taskId) {
        TaskView task = existing(taskId);
        announceFinished(task);
        return task;
    }

    private void announceFinished(TaskView task) {
        if (task.status() == TaskStatus.SUCCESS) {
            metrics.succeeded(task.type());
        } else {
            metrics.failed(task.type());
            log.warn("pull task failed task={} type={} attempts={} error=\"{}\"", task.id(), task.type(),
                    task.attempts(),
                    task.error());
        }
        events.announce(task);
    }

    private TaskView existing(String taskId) {
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw new TaskNotFoundException("No task '" + taskId + "'.");
        }
        return store.find(taskId).orElseThrow(() -> new TaskNotFoundException("No task '" + taskId + "'."));
    }

    private RegisteredType pullType(String type) {
        RegisteredType registered = types.find(type).orElseThrow(() -> new TaskNotFoundException(
                "No task type '" + type + "'."));
        if (registered.mode() != TaskMode.PULL) {
            throw new InvalidTaskException("Task type '" + type + "' is mode '" + registered.mode().wire()
                    + "': its tasks are not leased; only a 'pull' type's are.");
        }
        return registered;
    }

    private static Duration leaseDuration(Long leaseMs) {
        Duration lease = Duration.ofMillis(leaseMs == null ? 30_000 : leaseMs);
        if (lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
            throw new InvalidTaskException(
                    "'leaseMs' must be from " + MIN_LEASE.toMillis() + " to " + MAX_LEASE.toMillis()
                            + ", not " + leaseMs + ".");
        }
        return lease;
    }
}
