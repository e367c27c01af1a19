package com.distpatterns.task.infra;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Properties;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/** Gauges {@code tasks.queue.depth{queue=...}}: messages ready in each queue of the topology, asked on scrape. */
public final class QueueDepths implements MeterBinder {

    private final AmqpAdmin admin;
    private final TaskTopology topology;

    public QueueDepths(AmqpAdmin admin, TaskTopology topology) {
        this.admin = admin;
        this.topology = topology;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String queue : topology.queues()) {
            Gauge.builder("tasks.queue.depth", () -> depth(queue))
                    .tag("queue", queue)
                    .description("Messages ready in the queue")
                    .register(registry);
        }
    }

    private double depth(String queue) {
        try {
            Properties properties = admin.getQueueProperties(queue);
            Object count = properties == null ? null : properties.get(RabbitAdmin.QUEUE_MESSAGE_COUNT);
            return count instanceof Number number ? number.doubleValue() : Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
