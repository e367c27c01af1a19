package com.distpatterns.task.api;

import com.distpatterns.task.config.TaskRoles;
import com.distpatterns.task.core.PullTasks;
import com.distpatterns.task.core.TaskView;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Pull types: the users' workers lease tasks, then complete, fail or extend them. */
@RestController
@Conditional(TaskRoles.Api.class)
class PullController {

    record LeaseRequest(Integer max, Long waitMs, Long leaseMs, String worker) {}

    record LeaseView(String leaseId, String taskId, int attempt, @JsonRawValue String args, Instant leaseExpiresAt) {}

    record Leases(List<LeaseView> leases) {}

    record CompleteRequest(String leaseId, JsonNode result) {}

    record FailRequest(String leaseId, String error, Boolean retry) {}

    record HeartbeatRequest(String leaseId, Long leaseMs) {}

    private final PullTasks pull;
    private final JsonMapper json;

    PullController(PullTasks pull, JsonMapper json) {
        this.pull = pull;
        this.json = json;
    }

    /** Long poll: answers as soon as a task is leased, or with an empty list after {@code waitMs}. */
    @PostMapping(path = "/api/task-types/{type}/leases", produces = MediaType.APPLICATION_JSON_VALUE)
    Leases lease(@PathVariable String type, @RequestBody(required = false) LeaseRequest body)
            throws InterruptedException {
        LeaseRequest request = body == null ? new LeaseRequest(null, null, null, null) : body;
        return new Leases(pull.lease(type, request.max(), request.waitMs(), request.leaseMs()).stream()
                .map(lease -> new LeaseView(lease.leaseId(), lease.taskId(), lease.attempt(), lease.argsJson(),
                        lease.leaseExpiresAt()))
                .toList());
    }

    @PostMapping(path = "/api/tasks/{id}/complete", produces = MediaType.APPLICATION_JSON_VALUE)
    TaskResponses.Task complete(@PathVariable String id, @RequestBody CompleteRequest body) {
        String result = body.result() == null ? "null" : json.writeValueAsString(body.result());
        return TaskResponses.Task.of(pull.complete(id, body.leaseId(), result));
    }

    @PostMapping(path = "/api/tasks/{id}/fail", produces = MediaType.APPLICATION_JSON_VALUE)
    TaskResponses.Task fail(@PathVariable String id, @RequestBody FailRequest body) {
        TaskView task = pull.fail(id, body.leaseId(), body.error(), body.retry() == null || body.retry());
        return TaskResponses.Task.of(task);
    }

    @PostMapping(path = "/api/tasks/{id}/heartbeat", produces = MediaType.APPLICATION_JSON_VALUE)
    TaskResponses.Task heartbeat(@PathVariable String id, @RequestBody HeartbeatRequest body) {
        return TaskResponses.Task.of(pull.heartbeat(id, body.leaseId(), body.leaseMs()));
    }
}
