package com.distpatterns.task.api;

import com.distpatterns.task.config.TaskRoles;
import com.distpatterns.task.core.PullTasks;
import com.distpatterns.task.core.RegisteredType;
import com.distpatterns.task.core.TaskNotFoundException;
import com.distpatterns.task.core.TaskSpec;
import com.distpatterns.task.core.TaskTypeChange;
import com.distpatterns.task.core.TaskTypes;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Users' own task types: register, list, look up, delete. */
@RestController
@RequestMapping(path = "/api/task-types", produces = MediaType.APPLICATION_JSON_VALUE)
@Conditional(TaskRoles.Api.class)
class TaskTypeController {

    /** {@code PUT /api/task-types/{type}}; every field but {@code mode} optional. */
    record TaskTypeRequest(String mode, String url, Long timeoutMs, Integer maxRetries, Integer concurrency,
            TaskTypeChange.Backoff retryBackoff) {}

    record Backoff(long initialMs, double multiplier, long maxMs) {}

    /** One type; {@code secret} (what calls to its endpoint are signed with) only in the answer that created it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TaskTypeView(String type, String mode, URI url, Long timeoutMs, Integer maxRetries, Integer concurrency,
            Backoff retryBackoff, Instant createdAt, Instant updatedAt, String secret) {

        static TaskTypeView of(RegisteredType type, boolean withSecret) {
            return new TaskTypeView(type.name(), type.mode().wire(), type.url(), type.timeout().toMillis(),
                    type.maxRetries(), type.concurrency(), new Backoff(type.backoff().initialDelay().toMillis(),
                            type.backoff().multiplier(), type.backoff().maxDelay().toMillis()),
                    type.createdAt(), type.updatedAt(),
                    withSecret ? type.secret().value() : null);
        }

        static TaskTypeView builtIn(String name) {
            return new TaskTypeView(name, "builtin", null, null, null, null, null, null, null, null);
        }
    }

    record TaskTypeList(List<TaskTypeView> types) {}

    private final TaskTypes types;
    private final PullTasks pull;

    TaskTypeController(TaskTypes types, PullTasks pull) {
        this.types = types;
        this.pull = pull;
    }

    @PutMapping(path = "/{type}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TaskTypeView> put(@PathVariable String type, @RequestBody(required = false) TaskTypeRequest body) {
        TaskTypes.Registration registration = types.register(type, body == null ? null
                : new TaskTypeChange(body.mode(),
                        body.url(), body.timeoutMs(), body.maxRetries(), body.concurrency(), body.retryBackoff()));
        TaskTypeView view = TaskTypeView.of(registration.type(), registration.created());
        return registration.created()
                ? ResponseEntity.created(URI.create("/api/task-types/" + type)).body(view)
                : ResponseEntity.ok(view);
    }

    @GetMapping
    TaskTypeList list() {
        List<TaskTypeView> all = new ArrayList<>();
        TaskSpec.TYPES.forEach(name -> all.add(TaskTypeView.builtIn(name)));
        types.registered().forEach(type -> all.add(TaskTypeView.of(type, false)));
        return new TaskTypeList(all);
    }

    @GetMapping("/{type}")
    TaskTypeView get(@PathVariable String type) {
        if (TaskTypes.builtIn(type)) {
            return TaskTypeView.builtIn(type);
        }
        return types.registered().stream().filter(t -> t.name().equals(type)).findFirst()
                .map(t -> TaskTypeView.of(t, false))
                .orElseThrow(() -> new TaskNotFoundException("No task type '" + type + "'."));
    }

    @DeleteMapping("/{type}")
    ResponseEntity<Void> delete(@PathVariable String type) {
        types.delete(type);
        pull.abandon(type);
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }
}
