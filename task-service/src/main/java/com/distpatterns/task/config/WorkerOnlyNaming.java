package com.distpatterns.task.config;

import java.util.Map;
import java.util.Set;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * A worker-only process serves no task API, so it must not register in Eureka as {@code task-service}: the
 * gateway would send API calls to it. It takes the name {@code task-worker} instead (in Eureka, metrics, logs).
 */
public class WorkerOnlyNaming implements EnvironmentPostProcessor, Ordered {

    static final String SERVICE_NAME = "task-service";
    static final String WORKER_NAME = "task-worker";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Set<TaskRole> roles = TaskRoles.of(environment);
        if (!roles.contains(TaskRole.API)
                && SERVICE_NAME.equals(environment.getProperty("spring.application.name", SERVICE_NAME))) {
            environment.getPropertySources().addFirst(
                    new MapPropertySource("taskWorkerName", Map.of("spring.application.name", WORKER_NAME)));
        }
    }

    /** After the application's own configuration is loaded. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
