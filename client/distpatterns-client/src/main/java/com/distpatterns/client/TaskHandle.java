package com.distpatterns.client;

import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A submitted task. {@link #result()} completes when the task ends, fed by task-service's {@code task.*} events
 * (one shared event stream per client, not a poll per task): with its result on {@code SUCCESS}, exceptionally
 * with a {@link TaskFailedException} on {@code FAILURE} or {@code REVOKED}.
 */
public final class TaskHandle {

    private final String id;
    private final String type;
    private final CompletableFuture<JsonNode> result;
    private final JsonMapper json;
    private final TaskClient tasks;

    TaskHandle(String id, String type, CompletableFuture<JsonNode> result, JsonMapper json, TaskClient tasks) {
        this.id = id;
        this.type = type;
        this.result = result;
        this.json = json;
        this.tasks = tasks;
    }

    public String id() {
        return id;
    }

    public String type() {
        return type;
    }

    /**
     * The task's result as JSON. Completing or cancelling this future does not touch the task (see {@link #revoke()});
     * bound a wait with {@code orTimeout} or {@code get(timeout, unit)}: a task may wait in its queue for long.
     */
    public CompletableFuture<JsonNode> result() {
        return result.thenApply(node -> node);
    }

    /** The result as {@code resultType} (a class, or a generic type such as a {@code TypeReference}'s). */
    public <T> CompletableFuture<T> result(Type resultType) {
        return result.thenApply(node -> json.treeToValue(node, json.constructType(resultType)));
    }

    /**
     * Revokes the task if it has not started ({@code DELETE /api/tasks/{id}}); its future then fails with a revoked
     * {@link TaskFailedException}.
     *
     * @throws ProblemException.ConflictException when it is running or finished
     */
    public void revoke() {
        tasks.revoke(id);
    }
}
