package com.distpatterns.client.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes the application a worker of a pull task type: the starter leases the type's tasks from task-service and
 * calls this method for each, with heartbeats while it runs; what it returns (written as JSON) completes the task,
 * an exception fails it with its message (retried as the type's policy says, unless it is a
 * {@link com.distpatterns.client.NonRetryableTaskException}).
 *
 * <p>Parameters, in any order and each optional: one parameter that receives the task's {@code args} as its
 * declared type (a record, a {@code Map}, a {@code JsonNode}...), and a
 * {@link com.distpatterns.client.TaskWorker.TaskContext} (task id, attempt). A type task-service does not know is
 * registered as a pull type at start-up (unless {@code distpatterns.tasks.register-types=false}).
 *
 * <pre>{@code
 * @TaskHandler("invoice.render")
 * Invoice render(InvoiceRequest request) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TaskHandler {

    /** The task type, {@code [a-z0-9][a-z0-9_.-]{0,63}}; {@code ${...}} placeholders are resolved. */
    String value();

    /** Tasks of this type run at once in this application; {@code -1}: {@code distpatterns.tasks.concurrency}. */
    int concurrency() default -1;

    /** Retries of the type when this application registers it; {@code -1}: task-service's default. */
    int maxRetries() default -1;
}
