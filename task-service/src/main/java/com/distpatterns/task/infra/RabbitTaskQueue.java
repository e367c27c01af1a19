package com.distpatterns.task.infra;

import com.distpatterns.platform.messaging.ConfirmedPublisher;
import com.distpatterns.task.core.RetryPolicy;
import com.distpatterns.task.core.TaskMessage;
import com.distpatterns.task.core.TaskQueue;
import java.util.List;

/** Tasks on RabbitMQ: persistent messages, confirmed by the broker before any method returns. */
public final class RabbitTaskQueue implements TaskQueue {

    private final ConfirmedPublisher publisher;
    private final TaskTopology topology;
    private final TaskMessageCodec codec;

    public RabbitTaskQueue(ConfirmedPublisher publisher, TaskTopology topology, TaskMessageCodec codec) {
        this.publisher = publisher;
        this.topology = topology;
        this.codec = codec;
    }

    @Override
    public void enqueue(TaskMessage message) {
        enqueueAll(List.of(message));
    }

    @Override
    public void enqueueAll(List<TaskMessage> messages) {
        List<ConfirmedPublisher.Outgoing> outgoing = messages.stream()
                .map(message -> new ConfirmedPublisher.Outgoing(topology.exchange(), TaskTopology.WORK_KEY,
                        codec.encode(message, 1, null)))
                .toList();
        // Mandatory: a task that no queue took must not be answered 202.
        ConfirmedSends.run(() -> publisher.sendAll(outgoing, true));
    }

    @Override
    public void scheduleRetry(TaskMessage message, int attempt, RetryPolicy.RetryDelay delay) {
        // The per-message expiration carries the jitter; the level's queue TTL is only its ceiling.
        ConfirmedPublisher.Outgoing retry = new ConfirmedPublisher.Outgoing(topology.exchange(),
                topology.retryKey(delay.queue()), codec.encode(message, attempt, delay.delay()));
        ConfirmedSends.run(() -> publisher.sendAll(List.of(retry), true));
    }
}
