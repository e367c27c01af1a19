package com.distpatterns.client.spring;

import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.TaskWorker;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds the {@link TaskHandler} methods of the application's beans and runs a {@link TaskWorker} for each type
 * while the application runs. Stops first on shutdown (highest phase): no new leases, running tasks finish within
 * {@code distpatterns.tasks.shutdown-grace}, the rest are given back for another worker.
 */
public class TaskHandlers implements SmartLifecycle {

    private static final Log LOG = LogFactory.getLog(TaskHandlers.class);

    /** One annotated method, bound to its bean. */
    record Endpoint(String type, Object bean, Method method, TaskHandler annotation) {}

    private final ConfigurableListableBeanFactory beans;
    private final DistpatternsClient client;
    private final DistpatternsProperties.Tasks properties;
    private final List<TaskWorker> workers = new ArrayList<>();
    private volatile boolean running;

    public TaskHandlers(ConfigurableListableBeanFactory beans, DistpatternsClient client,
            DistpatternsProperties.Tasks properties) {
        this.beans = beans;
        this.client = client;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        for (Endpoint endpoint : endpoints()) {
            TaskHandler annotation = endpoint.annotation();
            TaskWorker.Options options = new TaskWorker.Options(
                    annotation.concurrency() > 0 ? annotation.concurrency() : properties.concurrency(),
                    properties.leaseTime(), properties.pollWait(), properties.registerTypes(),
                    annotation.maxRetries() >= 0 ? annotation.maxRetries() : null);
            TaskWorker worker = client.worker(endpoint.type(), options, handler(endpoint));
            workers.add(worker);
            worker.start();
        }
        running = true;
    }

    /** The workers running, for tests and for an application that wants to look. */
    public synchronized List<TaskWorker> workers() {
        return List.copyOf(workers);
    }

    private List<Endpoint> endpoints() {
        Map<String, Endpoint> byType = new HashMap<>();
        for (String name : beans.getBeanDefinitionNames()) {
            if (!beans.getBeanDefinition(name).isSingleton() || beans.getBeanDefinition(name).isLazyInit()) {
                continue;
            }
            Class<?> type = beans.getType(name, false);
            if (type == null) {
                continue;
            }
            Map<Method, TaskHandler> methods = MethodIntrospector.selectMethods(ClassUtils.getUserClass(type),
                    (MethodIntrospector.MetadataLookup<TaskHandler>) method -> AnnotatedElementUtils
                            .findMergedAnnotation(method, TaskHandler.class));
            if (methods.isEmpty()) {
                continue;
            }
            Object bean = beans.getBean(name);
            methods.forEach((method, annotation) -> {
                String taskType = beans.resolveEmbeddedValue(annotation.value()); // "${...}" placeholders, as @Scheduled
                Endpoint endpoint = new Endpoint(taskType, bean,
                        AopUtils.selectInvocableMethod(method, bean.getClass()),
                        annotation);
                Endpoint other = byType.putIfAbsent(taskType, endpoint);
                if (other != null) {
                    throw new IllegalStateException("two @TaskHandler methods for task type '" + taskType + "': "
                            + other.method() + " and " + method);
                }
            });
        }
        return List.copyOf(byType.values());
    }

    /** Calls the method with the task's args as its declared parameter type, and the context if it asks for it. */
    private TaskWorker.Handler handler(Endpoint endpoint) {
        Method method = endpoint.method();
        Parameter[] parameters = method.getParameters();
        JsonMapper json = client.transport().json();
        JavaType[] argTypes = new JavaType[parameters.length];
        int bound = 0;
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].getType() != TaskWorker.TaskContext.class) {
                Type declared = parameters[i].getParameterizedType();
                argTypes[i] = json.constructType(declared);
                bound++;
            }
        }
        if (bound > 1) {
            throw new IllegalStateException(
                    "@TaskHandler " + method + " has more than one parameter for the task's args");
        }
        method.setAccessible(true);
        return (args, context) -> {
            Object[] values = new Object[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                values[i] = argTypes[i] == null ? context
                        : argTypes[i].getRawClass() == JsonNode.class ? args : json.treeToValue(args, argTypes[i]);
            }
            try {
                return method.invoke(endpoint.bean(), values);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception exception) {
                    throw exception;
                }
                throw (Error) cause;
            }
        };
    }

    @Override
    public void stop() {
        List<TaskWorker> stopping;
        synchronized (this) {
            stopping = List.copyOf(workers);
            workers.clear();
            running = false;
        }
        // In parallel: each worker may wait for its running tasks up to the grace period.
        List<Thread> threads = new ArrayList<>();
        for (TaskWorker worker : stopping) {
            Thread thread = new Thread(() -> worker.stop(properties.shutdownGrace()),
                    "distpatterns-stop-" + worker.type());
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("Interrupted while the task workers stopped");
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
