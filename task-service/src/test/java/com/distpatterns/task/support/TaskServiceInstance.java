package com.distpatterns.task.support;

import com.distpatterns.task.TaskServiceApplication;
import com.distpatterns.task.infra.TaskTopology;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One task-service started by hand in the test JVM, with the given roles, on a random port, under a scratch's
 * names: several can run side by side (an API here, a worker there) as separate processes would.
 */
public final class TaskServiceInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final Http http;

    private TaskServiceInstance(ConfigurableApplicationContext context) {
        this.context = context;
        this.http = new Http(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    /** @param roles {@code api}, {@code worker} or {@code api,worker} */
    public static TaskServiceInstance start(Scratch scratch, String roles, Map<String, String> extra) {
        return start(scratch, roles, extra, Map.of());
    }

    /** @param beans singletons added to the context before it starts (a test's span exporter, say), by name */
    public static TaskServiceInstance start(Scratch scratch, String roles, Map<String, String> extra,
            Map<String, Object> beans) {
        Map<String, String> properties = new HashMap<>(scratch.properties());
        properties.put("tasks.roles", roles);
        properties.put("server.port", "0");
        properties.put("tasks.worker.concurrency", "2");
        properties.put("tasks.rpc.concurrency", "2");
        properties.put("spring.main.banner-mode", "off");
        properties.putAll(extra);
        // As command-line arguments: above application.yml, as a deployment's environment would be.
        String[] arguments = properties.entrySet().stream()
                .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TaskServiceApplication.class)
                .initializers(starting -> beans.forEach(starting.getBeanFactory()::registerSingleton))
                .run(arguments);
        TaskTopology topology = context.getBean(TaskTopology.class);
        scratch.ownQueues(topology.queues());
        scratch.ownExchanges(topology.exchanges());
        return new TaskServiceInstance(context);
    }

    public Http http() {
        return http;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
