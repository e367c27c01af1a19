package com.distpatterns.task.infra;

import com.distpatterns.task.core.Disposition;
import com.distpatterns.task.core.QueueUnavailableException;
import com.distpatterns.task.core.TaskMessage;
import com.distpatterns.task.core.TaskWorker;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.dao.DataAccessException;

/**
 * Feeds deliveries of the task queue to the {@link TaskWorker} and settles each message only afterwards (manual
 * acknowledgement): ack, reject to the dead-letter queue, or requeue.
 *
 * <p>While Redis or the broker cannot be reached, a delivery is held and tried again with backoff, not requeued:
 * every requeue counts towards the queue's delivery limit, so an outage of a few minutes would otherwise
 * dead-letter tasks that clients were told were accepted. A hold ends after {@code maxHold}, when the worker stops
 * (the message goes back to the queue), or when the failure is not one of reachability (requeued after a pause).
 */
public final class TaskDeliveryListener implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(TaskDeliveryListener.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final TaskWorker worker;
    private final TaskMessageCodec codec;
    private final Duration pauseOnFailure;
    private final Duration maxHold;
    /** Shared by the consumers, so an outage is logged once when it starts and once when it ends. */
    private final AtomicBoolean holding = new AtomicBoolean();

    /**
     * @param pauseOnFailure the first wait before trying a held message again, doubled up to 10 s
     * @param maxHold how long a message is held through an outage before it goes back to the queue
     */
    public TaskDeliveryListener(TaskWorker worker, TaskMessageCodec codec, Duration pauseOnFailure, Duration maxHold) {
        this.worker = worker;
        this.codec = codec;
        this.pauseOnFailure = pauseOnFailure;
        this.maxHold = maxHold;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        Disposition disposition = dispose(message);
        switch (disposition) {
            case ACK -> channel.basicAck(tag, false);
            case DEAD_LETTER -> channel.basicReject(tag, false);
            case REQUEUE -> channel.basicNack(tag, false, true);
        }
    }

    private Disposition dispose(Message message) {
        TaskMessage task;
        try {
            task = codec.decode(message);
        } catch (IllegalArgumentException e) {
            log.warn("task message dead-lettered: unreadable messageId={} reason=\"{}\"",
                    message.getMessageProperties().getMessageId(), e.getMessage());
            return Disposition.DEAD_LETTER;
        }
        int attempt = codec.attempt(message);
        long giveUpAt = System.nanoTime() + maxHold.toNanos();
        Duration wait = pauseOnFailure;
        while (true) {
            try {
                Disposition disposition = worker.handle(task, attempt);
                if (holding.compareAndSet(true, false)) {
                    log.info("worker resumed: Redis and the broker answer again; held tasks go on");
                }
                return disposition;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.info("task requeued: worker stopping task={}", task.id());
                return Disposition.REQUEUE;
            } catch (RuntimeException e) {
                if (!unreachable(e)) {
                    log.warn("task requeued: cannot settle it now task={} reason=\"{}\"", task.id(), e.toString());
                    sleep(pauseOnFailure);
                    return Disposition.REQUEUE;
                }
                if (System.nanoTime() - giveUpAt >= 0) {
                    log.warn("task requeued: held for {} through an outage task={} reason=\"{}\"", maxHold, task.id(),
                            e.toString());
                    return Disposition.REQUEUE;
                }
                if (holding.compareAndSet(false, true)) {
                    log.warn(
                            "worker holding its tasks: Redis or the broker is unreachable, retrying until it answers reason=\"{}\"",
                            e.toString());
                }
                if (!sleep(wait)) {
                    return Disposition.REQUEUE;
                }
                wait = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
            }
        }
    }

    private static boolean unreachable(RuntimeException e) {
        return e instanceof DataAccessException || e instanceof AmqpException || e instanceof QueueUnavailableException;
    }

    /** Whether the wait ran out rather than being interrupted (the worker stopping). */
    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
