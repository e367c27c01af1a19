package com.distpatterns.task.config;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Reads {@code tasks.roles} before the context exists, for conditions and start-up naming. */
public final class TaskRoles {

    static final String PROPERTY = "tasks.roles";

    private TaskRoles() {}

    public static Set<TaskRole> of(Environment environment) {
        return Binder.get(environment).bind(PROPERTY, Bindable.setOf(TaskRole.class))
                .orElseGet(() -> EnumSet.allOf(TaskRole.class));
    }

    /** Beans that serve the HTTP API: only in processes with the {@code api} role. */
    public static final class Api implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return of(context.getEnvironment()).contains(TaskRole.API);
        }
    }

    /** Beans that consume and execute: only in processes with the {@code worker} role. */
    public static final class Worker implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return of(context.getEnvironment()).contains(TaskRole.WORKER);
        }
    }
}
