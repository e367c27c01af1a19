package com.distpatterns.task.api;

import com.distpatterns.platform.service.ApiException;
import com.distpatterns.task.core.TaskFailedException;
import com.distpatterns.task.core.TaskService;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import com.distpatterns.task.config.TaskProperties;
import com.distpatterns.task.config.TaskRoles;
import com.distpatterns.task.core.InvalidTaskException;
import com.distpatterns.task.core.RemoteFactorial;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Remote procedure calls answered by a worker over RabbitMQ request/reply. */
@RestController
@RequestMapping(path = "/api/rpc", produces = MediaType.APPLICATION_JSON_VALUE)
@Conditional(TaskRoles.Api.class)
class RpcController {

    /** {@code POST /api/rpc/{type}}: the task's args, and how long to wait for its result. */
    record Call(Map<String, Object> args, Long timeoutMs) {}

    /** The handler's result, as it gave it. */
    record Answer(String type, @JsonRawValue String result) {}

    private static final long MAX_TIMEOUT_MS = 60_000;

    private final RemoteFactorial factorial;
    private final TaskService tasks;
    private final int maxN;
    private final Duration defaultTimeout;

    RpcController(RemoteFactorial factorial, TaskService tasks, TaskProperties properties) {
        this.factorial = factorial;
        this.tasks = tasks;
        this.maxN = properties.limits().maxFactorial();
        this.defaultTimeout = properties.rpc().timeout();
    }

    /**
     * One task of any type, run as a procedure: 200 with its result, 422 when its handler failed it, 504 when no
     * answer came within {@code timeoutMs}, 404 for an unknown type.
     */
    @PostMapping(path = "/{type}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Answer call(@PathVariable String type, @RequestBody(required = false) Call call) {
        Call request = call == null ? new Call(null, null) : call;
        long timeoutMs = request.timeoutMs() == null ? defaultTimeout.toMillis() : request.timeoutMs();
        if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
            throw new InvalidTaskException(
                    "'timeoutMs' must be from 1 to " + MAX_TIMEOUT_MS + ", not " + timeoutMs + ".");
        }
        try {
            return new Answer(type, tasks.call(type, request.args(), Duration.ofMillis(timeoutMs)));
        } catch (TaskFailedException e) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "task-failed", "The '" + type + "' handler failed"
                    + " the call: " + e.getMessage());
        }
    }

    /** n! computed by a worker, exactly, as a decimal string; 504 when no worker answers in time. */
    @PostMapping(path = "/factorial", consumes = MediaType.APPLICATION_JSON_VALUE)
    TaskResponses.Factorial factorial(@RequestBody TaskRequests.Factorial request) {
        Integer n = request.n();
        if (n == null || n < 0 || n > maxN) {
            throw new InvalidTaskException("'n' must be an integer from 0 to " + maxN
                    + (n == null ? "." : ", not " + n + "."));
        }
        return new TaskResponses.Factorial(n, factorial.factorial(n));
    }
}
