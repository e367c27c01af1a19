package com.distpatterns.task.api;

import com.distpatterns.task.config.TaskRoles;
import com.distpatterns.task.core.TaskService;
import java.net.URI;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Batches: the article's {@code process_large_dataset}, one task per chunk. */
@RestController
@RequestMapping(path = "/api/batches", produces = MediaType.APPLICATION_JSON_VALUE)
@Conditional(TaskRoles.Api.class)
class BatchController {

    private final TaskService tasks;

    BatchController(TaskService tasks) {
        this.tasks = tasks;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TaskResponses.BatchAccepted> submit(@RequestBody TaskRequests.SubmitBatch request) {
        TaskService.BatchAccepted accepted = tasks.submitBatch(request.type(), request.items(), request.chunkSize(),
                request.maxRetries());
        return ResponseEntity.accepted()
                .location(URI.create("/api/batches/" + accepted.id()))
                .body(new TaskResponses.BatchAccepted(accepted.id(), accepted.tasks()));
    }

    @GetMapping("/{id}")
    TaskResponses.Batch get(@PathVariable String id) {
        return TaskResponses.Batch.of(tasks.findBatch(id));
    }
}
