package com.distpatterns.task.config;

import com.distpatterns.platform.tracing.TracePropagation;
import com.distpatterns.task.core.PullStore;
import com.distpatterns.task.core.PullTasks;
import java.util.Random;
import com.distpatterns.task.core.TaskTypes;
import com.distpatterns.task.core.RemoteFactorial;
import com.distpatterns.task.core.TaskEvents;
import com.distpatterns.task.core.TaskIndex;
import com.distpatterns.task.core.TaskListing;
import com.distpatterns.task.core.TaskMetrics;
import com.distpatterns.task.core.TaskQueue;
import com.distpatterns.task.core.TaskService;
import com.distpatterns.task.core.TaskStore;
import com.distpatterns.task.infra.RabbitRemoteFactorial;
import com.distpatterns.task.infra.TaskTopology;
import java.time.Clock;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The API role: submissions, queries and RPC calls. */
@Configuration(proxyBeanMethods = false)
@Conditional(TaskRoles.Api.class)
public class ApiConfiguration {

    @Bean
    TaskService taskService(TaskStore store, TaskTypes types, TaskQueue queue, TaskEvents events,
            TaskProperties properties,
            TaskMetrics metrics, Clock taskClock) {
        // A first submission's confirm takes at most confirm-timeout; a second waits that long for it, and a bit.
        return new TaskService(store, types, queue, events, properties.limits(), properties.defaultMaxRetries(),
                metrics,
                taskClock, properties.confirmTimeout().plusSeconds(1));
    }

    @Bean
    TaskListing taskListing(TaskIndex index) {
        return new TaskListing(index);
    }

    @Bean
    PullTasks pullTasks(PullStore pullStore, TaskStore store, TaskTypes types, TaskEvents events, TaskMetrics metrics,
            Clock taskClock) {
        return new PullTasks(pullStore, store, types, events, metrics, taskClock, new Random());
    }

    @Bean
    RemoteFactorial remoteFactorial(@Qualifier("taskTemplate") RabbitTemplate taskTemplate, TaskTopology topology,
            JsonMapper json, TaskProperties properties, TracePropagation trace) {
        return new RabbitRemoteFactorial(taskTemplate, topology, json, properties.rpc().timeout(), trace);
    }
}
