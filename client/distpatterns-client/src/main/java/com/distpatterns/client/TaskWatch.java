package com.distpatterns.client;

import com.distpatterns.client.Transport.Call;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The futures of submitted tasks, completed by task-service's {@code task.*} events: one event stream per client,
 * opened by the first submit, whatever the number of tasks.
 *
 * <p>No task's end is missed: a task is registered before its state is read once; that read happens only while
 * the stream is connected (the service binds the stream before it answers, so a task that ends after the read is
 * announced on it), and every (re)connection reads again the state of every task still waiting, which covers
 * events published while the stream was down (event-service does not replay them).
 */
final class TaskWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TaskWatch.class.getName());

    private record Waiting(String type, CompletableFuture<JsonNode> result) {}

    private final Transport transport;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private EventStream stream;
    private volatile boolean closed;

    TaskWatch(Transport transport) {
        this.transport = transport;
    }

    /** A future for task {@code id}, completed when its end is seen. */
    CompletableFuture<JsonNode> watch(String id, String type) {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        Waiting entry = new Waiting(type, result);
        waiting.put(id, entry);
        result.whenComplete((value, failure) -> waiting.remove(id, entry));
        EventStream events = stream();
        if (events.isConnected()) {
            readState(id, entry);
        }
        return result;
    }

    private synchronized EventStream stream() {
        if (closed) {
            throw new IllegalStateException("the client is closed");
        }
        if (stream == null) {
            stream = EventStream.open(transport, "task.*", new EventStream.Listener() {
                @Override
                public void onEvent(SuiteEvent event) {
                    ended(event.data());
                }

                @Override
                public void onConnected() {
                    waiting.forEach(TaskWatch.this::readState);
                }
            }, EventStream.Options.DEFAULT);
            try {
                // The first submit waits (boundedly) for the stream, so that its one state read is not also its only one.
                stream.awaitConnected(transport.settings().requestTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return stream;
    }

    /** A {@code task.succeeded}, {@code task.failed} or {@code task.revoked} event, or a task's state read by GET. */
    private void ended(JsonNode task) {
        JsonNode id = task.get("id");
        Waiting entry = id == null ? null : waiting.get(id.asString());
        if (entry == null) {
            return;
        }
        String status = text(task, "status");
        if ("SUCCESS".equals(status)) {
            if (task.path("resultOmitted").asBoolean(false)) {
                // A result over 256 KiB is left out of the event: read it from the task.
                readState(id.asString(), entry);
            } else {
                JsonNode result = task.get("result");
                entry.result().complete(result == null ? tools.jackson.databind.node.NullNode.getInstance() : result);
            }
        } else if ("FAILURE".equals(status) || "REVOKED".equals(status)) {
            entry.result().completeExceptionally(new TaskFailedException(id.asString(), entry.type(), status,
                    text(task, "error"), task.path("attempts").asInt(0)));
        }
    }

    /** One read of the task's state ({@code GET /api/tasks/{id}}), in the background. */
    private void readState(String id, Waiting entry) {
        transport.sendAsync(Call.get("/api/tasks/" + Transport.segment(id)), transport.settings().retry())
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        // The next reconnection reads it again; meanwhile its event may still come.
                        LOG.log(Level.DEBUG, "reading task {0} failed: {1}", id, failure.toString());
                    } else if (answer.is(200)) {
                        ended(transport.json().readTree(answer.body()));
                    } else if (answer.is(404)) {
                        entry.result().completeExceptionally(transport.problem(answer));
                    }
                });
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    int waiting() {
        return waiting.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (stream != null) {
            stream.close();
        }
    }

}
