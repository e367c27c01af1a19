package com.distpatterns.task.api;

import com.distpatterns.task.config.TaskRoles;
import com.distpatterns.task.core.TaskListing;
import com.distpatterns.task.core.TaskService;
import java.net.URI;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Tasks: submit, follow, list, revoke. */
@RestController
@RequestMapping(path = "/api/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
@Conditional(TaskRoles.Api.class)
class TaskController {

    private final TaskService tasks;
    private final TaskListing listing;

    TaskController(TaskService tasks, TaskListing listing) {
        this.tasks = tasks;
        this.listing = listing;
    }

    /** Queues a task; answers once the broker has confirmed it. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TaskResponses.Accepted> submit(@RequestBody TaskRequests.SubmitTask request) {
        TaskService.Accepted accepted = tasks.submit(request.type(), request.args(), request.maxRetries(),
                request.idempotencyKey());
        return ResponseEntity.accepted()
                .location(URI.create("/api/tasks/" + accepted.id()))
                .body(new TaskResponses.Accepted(accepted.id(), accepted.status()));
    }

    /** Newest first, in pages; parameters are taken as text so that every bad one gets the listing's own 400. */
    @GetMapping
    TaskResponses.TaskList list(@RequestParam(required = false) String status,
            @RequestParam(required = false) String type, @RequestParam(required = false) String batch,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
        TaskListing.Listed listed = listing.list(status, type, batch, limit, cursor);
        return new TaskResponses.TaskList(listed.tasks().stream().map(TaskResponses.Task::of).toList(), listed.next());
    }

    @GetMapping("/{id}")
    TaskResponses.Task get(@PathVariable String id) {
        return TaskResponses.Task.of(tasks.find(id));
    }

    /** Revokes a task that has not started: workers skip it. */
    @DeleteMapping("/{id}")
    ResponseEntity<TaskResponses.Accepted> revoke(@PathVariable String id) {
        var task = tasks.revoke(id);
        return ResponseEntity.accepted().body(new TaskResponses.Accepted(task.id(), task.status()));
    }
}
