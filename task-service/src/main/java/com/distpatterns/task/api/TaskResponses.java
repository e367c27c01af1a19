package com.distpatterns.task.api;

import com.distpatterns.task.core.BatchView;
import com.distpatterns.task.core.TaskStatus;
import com.distpatterns.task.core.TaskView;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;

/** The JSON bodies the API answers with, shaped exactly as API.md says. */
final class TaskResponses {

    private TaskResponses() {}

    /** 202 to a submission. */
    record Accepted(String id, TaskStatus status) {}

    /**
     * {@code GET /api/tasks/{id}}; {@code result} is the task's JSON result as stored; {@code batch} the id of the
     * batch it is a chunk of, absent for a task of its own.
     */
    record Task(String id, String type, TaskStatus status, int attempts, @JsonRawValue String result, String error,
            Instant createdAt, Instant updatedAt, @JsonInclude(JsonInclude.Include.NON_NULL) String batch) {

        static Task of(TaskView view) {
            return new Task(view.id(), view.type(), view.status(), view.attempts(), view.result(), view.error(),
                    view.createdAt(), view.updatedAt(), view.batchId());
        }
    }

    /** {@code GET /api/tasks}: a page of tasks, newest first, and the cursor of the next page ({@code null} at the end). */
    record TaskList(List<Task> tasks, String next) {}

    /** 202 to a batch: its id and how many chunk tasks were queued. */
    record BatchAccepted(String id, int tasks) {}

    /** {@code GET /api/batches/{id}}; {@code results} (chunk results in chunk order) once every chunk finished. */
    record Batch(String id, TaskStatus status, int total, int succeeded, int failed, @JsonRawValue String results) {

        static Batch of(BatchView view) {
            String results = view.results() == null ? null
                    : "[" + String.join(",", view.results().stream()
                            .map(result -> result == null ? "null" : result).toList()) + "]";
            return new Batch(view.id(), view.status(), view.total(), view.succeeded(), view.failed(), results);
        }
    }

    /** {@code POST /api/rpc/factorial}: n! as a decimal string. */
    record Factorial(int n, String result) {}
}
