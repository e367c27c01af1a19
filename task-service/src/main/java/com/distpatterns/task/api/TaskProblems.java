package com.distpatterns.task.api;

import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.ExceptionProblems;
import com.distpatterns.task.core.InvalidTaskException;
import com.distpatterns.task.core.LeaseLostException;
import com.distpatterns.task.core.QueueUnavailableException;
import com.distpatterns.task.core.RevokeRefusedException;
import com.distpatterns.task.core.RpcTimeoutException;
import com.distpatterns.task.core.TaskNotFoundException;
import com.distpatterns.task.core.TaskTypeConflictException;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/** The task core's refusals as problems; everything else is the platform's to answer. */
@Configuration(proxyBeanMethods = false)
class TaskProblems {

    private static final Logger log = LoggerFactory.getLogger(TaskProblems.class);

    @Bean
    ExceptionProblems taskExceptionProblems() {
        return ExceptionProblems.service()
                .on(InvalidTaskException.class, e -> ApiException.badRequest("invalid-task", e.getMessage()))
                .on(TaskNotFoundException.class, e -> ApiException.notFound("task-not-found", e.getMessage()))
                .on(RevokeRefusedException.class, e -> new ApiException(HttpStatus.CONFLICT, "task-already-started",
                        e.getMessage(), null, Map.of("taskStatus", e.status().name())))
                .on(LeaseLostException.class, e -> ApiException.conflict("lease-lost", e.getMessage()))
                .on(TaskTypeConflictException.class, e -> ApiException.conflict("task-type-reserved", e.getMessage()))
                .on(QueueUnavailableException.class, TaskProblems::brokerUnavailable)
                .on(RpcTimeoutException.class, e -> ApiException.gatewayTimeout("rpc-timeout", e.getMessage()))
                .build();
    }

    private static ApiException brokerUnavailable(QueueUnavailableException e) {
        log.warn("Submission refused, broker unavailable: {}", e.getMessage());
        return ApiException.unavailable("broker-unavailable",
                "The message broker did not accept the task; nothing was queued. Try again shortly.",
                Duration.ofSeconds(1));
    }
}
