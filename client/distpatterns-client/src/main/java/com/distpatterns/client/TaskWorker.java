package com.distpatterns.client;

import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import com.distpatterns.client.Transport.Response;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A worker of one pull task type: leases the type's tasks from task-service, runs each in a handler, keeps its
 * lease alive with heartbeats while it runs, and completes it with the handler's result or fails it with the
 * handler's exception. At most {@code concurrency} tasks run at once.
 *
 * <p>Leasing is a long poll asking for as many tasks as there are free slots, so an idle worker costs one call
 * per {@code pollWait}. A worker that dies stops heartbeating: its tasks' leases end and task-service hands them
 * to another worker (counted as an attempt). {@link #stop(Duration)} stops leasing, lets running tasks finish
 * within a grace period and gives back the ones that do not.
 */
public final class TaskWorker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TaskWorker.class.getName());
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final String NAME = System.getenv().getOrDefault("HOSTNAME", "host") + "/"
            + ProcessHandle.current().pid();
    private static final long MAX_LEASES_PER_CALL = 256;

    /** What a worker does with one task: its result (any value Jackson writes), or an exception to fail it. */
    @FunctionalInterface
    public interface Handler {
        Object handle(JsonNode args, TaskContext task) throws Exception;
    }

    /** The task a handler runs: its id and which attempt this is (1 for the first). */
    public record TaskContext(String type, String taskId, int attempt) {}

    /**
     * How a worker leases.
     *
     * @param concurrency tasks run at once (1..256)
     * @param leaseTime how long a lease lasts without a heartbeat (1 s .. 1 h); heartbeats come at a third of it,
     *     so it is also how soon a dead worker's task goes to another worker
     * @param pollWait how long one lease call waits for a task on the service (0 .. 60 s)
     * @param register whether to register the type as a pull type when task-service does not know it
     * @param maxRetries the retries of a type this worker registers; {@code null}: the service's default
     */
    public record Options(int concurrency, Duration leaseTime, Duration pollWait, boolean register,
            Integer maxRetries) {

        public static final Options DEFAULT = new Options(8, Duration.ofSeconds(30), Duration.ofSeconds(20), true,
                null);

        public Options {
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("concurrency must be 1..256, was " + concurrency);
            }
            Objects.requireNonNull(leaseTime, "leaseTime");
            Objects.requireNonNull(pollWait, "pollWait");
            if (leaseTime.toMillis() < 1000 || leaseTime.toMillis() > 3_600_000) {
                throw new IllegalArgumentException("leaseTime must be 1 s .. 1 h, was " + leaseTime);
            }
            if (pollWait.isNegative() || pollWait.toMillis() > 60_000) {
                throw new IllegalArgumentException("pollWait must be 0 .. 60 s, was " + pollWait);
            }
            if (maxRetries != null && (maxRetries < 0 || maxRetries > 10)) {
                throw new IllegalArgumentException("maxRetries must be 0..10, was " + maxRetries);
            }
        }

        public Options withConcurrency(int value) {
            return new Options(value, leaseTime, pollWait, register, maxRetries);
        }

        public Options withLeaseTime(Duration value) {
            return new Options(concurrency, value, pollWait, register, maxRetries);
        }

        public Options withMaxRetries(Integer value) {
            return new Options(concurrency, leaseTime, pollWait, register, value);
        }
    }

    private record LeaseRequest(long max, long waitMs, long leaseMs, String worker) {}

    private record Lease(String leaseId, String taskId, int attempt, JsonNode args, Instant leaseExpiresAt) {}

    private record Leases(List<Lease> leases) {}

    private record CompleteRequest(String leaseId, JsonNode result) {}

    private record FailRequest(String leaseId, String error, boolean retry) {}

    private record HeartbeatRequest(String leaseId, long leaseMs) {}

    private record TypeRegistration(String mode, Integer maxRetries) {}

    private record TypeView(String type, String mode) {}

    /** One task being run: the thread running it, its heartbeat, and whether the lease still holds it. */
    private static final class Running {
        final Lease lease;
        volatile Thread thread;
        volatile ScheduledFuture<?> heartbeat;
        volatile boolean settled; // lost, given back or completed: nobody else may settle it

        Running(Lease lease) {
            this.lease = lease;
        }
    }

    private final String type;
    private final Handler handler;
    private final Options options;
    private final Transport transport;
    private final ExecutorService tasks;
    private final ScheduledExecutorService heartbeats;
    private final Semaphore slots;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean stopping;
    private boolean typeChecked; // by start(), then by the poller only

    TaskWorker(String type, Handler handler, Options options, Transport transport) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("task types are [a-z0-9][a-z0-9_.-]{0,63}, was '" + type + "'");
        }
        this.type = type;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.options = Objects.requireNonNull(options, "options");
        this.transport = transport;
        this.slots = new Semaphore(options.concurrency());
        this.tasks = Executors.newFixedThreadPool(options.concurrency(), Transport.daemon("distpatterns-task-" + type));
        this.heartbeats = Executors
                .newSingleThreadScheduledExecutor(Transport.daemon("distpatterns-heartbeat-" + type));
        this.poller = Transport.daemon("distpatterns-lease-" + type).newThread(this::pollLoop);
    }

    public String type() {
        return type;
    }

    public Options options() {
        return options;
    }

    /**
     * Registers the type (if allowed and absent), then starts leasing.
     *
     * @throws IllegalStateException if the type exists but is not a pull type (its tasks are never leased)
     * @throws SuiteException if the suite could not be asked
     */
    public TaskWorker start() {
        try {
            ensureType();
            typeChecked = true;
        } catch (SuiteUnreachableException | ProblemException.UnavailableException later) {
            // The suite is down for now: the application starts anyway, and the worker checks the type before leasing.
            LOG.log(Level.WARNING, "Task worker for type ''{0}'' cannot reach the suite yet ({1}); it keeps trying",
                    type, later.getMessage());
        }
        poller.start();
        LOG.log(Level.INFO, "Task worker for type ''{0}'' started: up to {1} at once, lease {2} ms", type,
                options.concurrency(), options.leaseTime().toMillis());
        return this;
    }

    /** How many tasks this worker is running now. */
    public int running() {
        return running.size();
    }

    private void ensureType() {
        Response answer = transport.sendUninterruptibly(Call.get("/api/task-types/" + type));
        if (answer.is(404)) {
            if (!options.register()) {
                throw new IllegalStateException(
                        "task type '" + type + "' is not registered (register it as a pull type, "
                                + "or let the worker register it)");
            }
            // Two workers starting together may both register it: the second PUT answers 200 and changes nothing else.
            Response put = transport.sendUninterruptibly(new Call("PUT", "/api/task-types/" + type,
                    new TypeRegistration("pull", options.maxRetries()), null, Repeat.SAFE));
            transport.expect(put, 200, 201);
            if (put.is(201)) {
                LOG.log(Level.INFO, "Registered task type ''{0}'' as a pull type", type);
            }
            return;
        }
        String mode = transport.read(transport.expect(answer, 200), TypeView.class).mode();
        if (!"pull".equals(mode)) {
            throw new IllegalStateException("task type '" + type + "' is a " + mode + " type, not a pull type: "
                    + "its tasks are never leased to a worker");
        }
    }

    private void pollLoop() {
        long backoffMs = 0;
        while (!stopping) {
            int granted;
            try {
                slots.acquire();
                granted = 1 + drainUpTo(options.concurrency() - 1);
            } catch (InterruptedException stop) {
                return;
            }
            try {
                if (!typeChecked) {
                    ensureType();
                    typeChecked = true;
                }
                List<Lease> leases = lease(granted);
                slots.release(granted - leases.size());
                for (Lease lease : leases) {
                    run(lease);
                }
                if (backoffMs > 0) {
                    LOG.log(Level.INFO, "Task worker for type ''{0}'' leases again", type);
                }
                backoffMs = 0;
            } catch (InterruptedException stop) {
                slots.release(granted);
                return;
            } catch (RuntimeException failed) {
                slots.release(granted);
                if (stopping) {
                    return;
                }
                if (backoffMs == 0) {
                    LOG.log(Level.WARNING, "Task worker for type ''{0}'' cannot lease: {1}; trying again with backoff",
                            type,
                            failed.getMessage());
                }
                backoffMs = Math.min(Math.max(500, backoffMs * 2), 10_000);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private int drainUpTo(int more) {
        int got = 0;
        while (got < more && got < MAX_LEASES_PER_CALL - 1 && slots.tryAcquire()) {
            got++;
        }
        return got;
    }

    private List<Lease> lease(int max) throws InterruptedException {
        long waitMs = options.pollWait().toMillis();
        Call call = new Call("POST", "/api/task-types/" + type + "/leases",
                new LeaseRequest(max, waitMs, options.leaseTime().toMillis(), NAME + "/" + type),
                transport.settings().requestTimeout().plusMillis(waitMs), Repeat.ONLY_IF_NOT_SENT);
        CompletableFuture<Response> pending = transport.sendAsync(call, transport.settings().retry());
        Response answer;
        try {
            answer = pending.get();
        } catch (InterruptedException stop) {
            // The service may still lease tasks to this call: hand them straight back rather than leave them for a lease time.
            pending.thenAccept(late -> {
                if (late.is(200)) {
                    transport.read(late, Leases.class).leases().forEach(lease -> giveBack(lease, "the worker stopped"));
                }
            });
            throw stop;
        } catch (ExecutionException e) {
            throw Transport.unwrap(e.getCause());
        }
        List<Lease> leases = transport.read(transport.expect(answer, 200), Leases.class).leases();
        if (stopping) {
            leases.forEach(lease -> giveBack(lease, "the worker stopped"));
            return List.of();
        }
        return leases;
    }

    private void run(Lease lease) {
        Running task = new Running(lease);
        running.put(lease.taskId(), task);
        long every = options.leaseTime().toMillis() / 3;
        task.heartbeat = heartbeats.scheduleWithFixedDelay(() -> heartbeat(task), every, every, TimeUnit.MILLISECONDS);
        tasks.execute(() -> execute(task));
    }

    private void execute(Running task) {
        task.thread = Thread.currentThread();
        Lease lease = task.lease;
        Object result = null;
        Exception failure = null;
        try {
            result = handler.handle(lease.args(), new TaskContext(type, lease.taskId(), lease.attempt()));
        } catch (Exception e) {
            failure = e;
        } finally {
            task.thread = null;
            Thread.interrupted(); // an interrupt meant for this task must not reach the next one
            task.heartbeat.cancel(false);
        }
        try {
            if (failure == null) {
                settle(task, "complete", new CompleteRequest(lease.leaseId(), transport.json().valueToTree(result)));
            } else {
                boolean retry = !(failure instanceof NonRetryableTaskException);
                String message = failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
                LOG.log(Level.WARNING, "Task {0} of type ''{1}'' (attempt {2}) failed: {3}", lease.taskId(), type,
                        lease.attempt(), message);
                settle(task, "fail", new FailRequest(lease.leaseId(), message, retry));
            }
        } catch (RuntimeException unsettled) {
            // Not settled: the lease runs out and the task goes to another worker (at least once, never lost).
            LOG.log(Level.WARNING, "Task " + lease.taskId() + " of type '" + type + "' could not be settled; its lease "
                    + "will end and it will run again", unsettled);
        } finally {
            running.remove(lease.taskId());
            slots.release();
        }
    }

    private void settle(Running task, String how, Object body) {
        synchronized (task) {
            if (task.settled) {
                return;
            }
            task.settled = true;
        }
        Response answer = transport.sendUninterruptibly(new Call("POST",
                "/api/tasks/" + Transport.segment(task.lease.taskId()) + "/" + how, body, null,
                Repeat.ONLY_IF_NOT_SENT));
        if (answer.is(409)) {
            LOG.log(Level.WARNING,
                    "Task {0} of type ''{1}'': the lease no longer held it at {2} (it expired, was revoked "
                            + "or finished elsewhere); outcome dropped",
                    task.lease.taskId(), type, how);
            return;
        }
        transport.expect(answer, 200);
    }

    private void heartbeat(Running task) {
        if (task.settled) {
            return;
        }
        Response answer;
        try {
            answer = transport.sendUninterruptibly(new Call("POST",
                    "/api/tasks/" + Transport.segment(task.lease.taskId()) + "/heartbeat",
                    new HeartbeatRequest(task.lease.leaseId(), options.leaseTime().toMillis()),
                    Duration.ofMillis(options.leaseTime().toMillis() / 3), Repeat.SAFE));
        } catch (RuntimeException transientFailure) {
            // The next heartbeat comes a third of the lease later: two more tries before the lease can end.
            LOG.log(Level.WARNING, "Heartbeat of task {0} of type ''{1}'' failed: {2}", task.lease.taskId(), type,
                    transientFailure.getMessage());
            return;
        }
        if (answer.is(409)) {
            synchronized (task) {
                if (task.settled) {
                    return;
                }
                task.settled = true;
            }
            LOG.log(Level.WARNING, "Task {0} of type ''{1}'' lost its lease while running (another worker may run it); "
                    + "interrupting its handler", task.lease.taskId(), type);
            task.heartbeat.cancel(false);
            interrupt(task);
        } else if (!answer.is(200)) {
            LOG.log(Level.WARNING, "Heartbeat of task {0} of type ''{1}'' answered {2}", task.lease.taskId(), type,
                    answer.status());
        }
    }

    private static void interrupt(Running task) {
        Thread thread = task.thread;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Fails a leased task with retry, so that another worker takes it after the type's backoff. */
    private void giveBack(Lease lease, String why) {
        try {
            Response answer = transport.sendUninterruptibly(new Call("POST",
                    "/api/tasks/" + Transport.segment(lease.taskId()) + "/fail",
                    new FailRequest(lease.leaseId(), why + " before the task finished", true), null,
                    Repeat.ONLY_IF_NOT_SENT));
            if (!answer.is(200) && !answer.is(409)) {
                transport.expect(answer, 200);
            }
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "Task " + lease.taskId() + " could not be given back; its lease will end by itself",
                    failed);
        }
    }

    /**
     * Stops leasing, waits up to {@code grace} for the running tasks, then interrupts those still running and gives
     * their tasks back (failed with retry: another worker runs them after the type's backoff). Returns when done.
     */
    public void stop(Duration grace) {
        if (stopping) {
            return;
        }
        stopping = true;
        poller.interrupt();
        tasks.shutdown();
        try {
            poller.join(5_000);
            if (!tasks.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                for (Running task : running.values()) {
                    synchronized (task) {
                        if (task.settled) {
                            continue;
                        }
                        task.settled = true;
                    }
                    task.heartbeat.cancel(false);
                    giveBack(task.lease, "the worker stopped");
                    interrupt(task);
                }
                LOG.log(Level.WARNING, "Task worker for type ''{0}'' gave back the tasks still running after {1} ms",
                        type,
                        grace.toMillis());
                tasks.shutdownNow();
                tasks.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heartbeats.shutdownNow();
        }
        LOG.log(Level.INFO, "Task worker for type ''{0}'' stopped", type);
    }

    /** {@link #stop(Duration)} with a grace of 30 s. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}
