package com.distpatterns.task.api;

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

  private final RemoteFactorial factorial;
  private final int maxN;

  RpcController(RemoteFactorial factorial, TaskProperties properties) {
    this.factorial = factorial;
    this.maxN = properties.limits().maxFactorial();
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
