package com.distpatterns.task.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The counters an operator watches: tasks submitted, succeeded, failed, retried and revoked, by type. */
public final class TaskMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public TaskMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void submitted(String type, int count) {
        counter("tasks.submitted", type).increment(count);
    }

    public void succeeded(String type) {
        counter("tasks.succeeded", type).increment();
    }

    public void failed(String type) {
        counter("tasks.failed", type).increment();
    }

    public void retried(String type) {
        counter("tasks.retried", type).increment();
    }

    public void revoked(String type) {
        counter("tasks.revoked", type).increment();
    }

    private Counter counter(String name, String type) {
        String tag = type == null ? "unknown" : type;
        return counters.computeIfAbsent(name + "/" + tag,
                key -> Counter.builder(name).tag("type", tag).register(registry));
    }
}
