package com.distpatterns.client;

import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import com.distpatterns.client.Transport.Response;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * task-service from code: {@link #submit} a task and get a {@link TaskHandle} whose result future the task's
 * {@code task.*} event completes; {@link #submitBatch} many, with progress; {@link #call} one as a remote
 * procedure call within a deadline.
 */
public final class TaskClient {

    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final long MAX_TIMEOUT_MS = 60_000;

    private record RpcRequest(Object args, long timeoutMs) {}

    private record RpcAnswer(String type, JsonNode result) {}

    private record Submitted(String id, String status) {}

    private final Transport transport;
    private final TaskWatch watch;

    TaskClient(Transport transport, TaskWatch watch) {
        this.transport = transport;
        this.watch = watch;
    }

    /** {@link #submit(String, Object, Integer)} with the service's default retries. */
    public TaskHandle submit(String type, Object args) {
        return submit(type, args, null);
    }

    /**
     * Queues one task ({@code POST /api/tasks}) and returns its handle; {@link TaskHandle#result()} completes when it
     * ends. The submission carries an idempotency key of its own, so a retry after a timeout cannot queue it twice.
     *
     * @param maxRetries retries after a failed attempt (0..10), {@code null} for the service's default
     * @throws ProblemException.InvalidRequestException 400 for an unknown type or bad args, 413 args over 1 MiB
     */
    public TaskHandle submit(String type, Object args, Integer maxRetries) {
        checkType(type);
        Map<String, Object> submission = new LinkedHashMap<>();
        submission.put("type", type);
        submission.put("args", args);
        if (maxRetries != null) {
            submission.put("maxRetries", maxRetries);
        }
        submission.put("idempotencyKey", "client-" + UUID.randomUUID());
        // Safe to repeat: the idempotency key makes a second POST answer the first task's id.
        Response answer = transport.sendUninterruptibly(new Call("POST", "/api/tasks", submission, null, Repeat.SAFE));
        Submitted task = transport.read(transport.expect(answer, 202), Submitted.class);
        return new TaskHandle(task.id(), type, watch.watch(task.id(), type), transport.json(), this);
    }

    /**
     * Queues one task of {@code type} per element of {@code argsList}, in order, and returns their batch: its
     * progress and the future of all results. Any task type works (built-in, http, pull); for the suite's own chunked
     * {@code transform} batches see {@code POST /api/batches}.
     */
    public BatchHandle submitBatch(String type, List<?> argsList) {
        checkType(type);
        List<TaskHandle> handles = new ArrayList<>(argsList.size());
        for (Object args : argsList) {
            handles.add(submit(type, args));
        }
        return new BatchHandle(handles);
    }

    /** {@code DELETE /api/tasks/{id}}: revokes a task that has not started. */
    void revoke(String id) {
        transport.expect(
                transport.sendUninterruptibly(new Call("DELETE", "/api/tasks/" + Transport.segment(id), null, null,
                        Repeat.SAFE)),
                202);
    }

    private static void checkType(String type) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("task types are [a-z0-9][a-z0-9_.-]{0,63}, was '" + type + "'");
        }
    }

    /**
     * Runs one task of {@code type} with {@code args} and returns its result as {@code resultType}.
     *
     * @param timeout how long the suite waits for the task (1 ms .. 60 s); a task not started by then is revoked
     * @throws ProblemException.InvalidRequestException 422 when the task's handler failed it, 400 for bad args
     * @throws ProblemException.UnavailableException 504 when no answer came in time
     * @throws ProblemException.NotFoundException for an unknown type
     */
    public <T> T call(String type, Object args, Duration timeout, Type resultType) {
        JsonNode result = call(type, args, timeout);
        return transport.json().treeToValue(result, transport.json().constructType(resultType));
    }

    /** {@link #call(String, Object, Duration, Type)} with the result as JSON. */
    public JsonNode call(String type, Object args, Duration timeout) {
        checkType(type);
        long ms = timeout.toMillis();
        if (ms < 1 || ms > MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException("an RPC timeout is 1 ms .. 60 s, was " + timeout);
        }
        // The HTTP call waits for the task: its bound is the task's deadline plus the usual request bound.
        Response answer = transport.sendUninterruptibly(new Call("POST", "/api/rpc/" + type, new RpcRequest(args, ms),
                transport.settings().requestTimeout().plus(timeout), Repeat.ONLY_IF_NOT_SENT));
        return transport.read(transport.expect(answer, 200), RpcAnswer.class).result();
    }
}
