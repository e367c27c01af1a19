package com.distpatterns.task.infra;

import com.distpatterns.task.core.Disposition;
import com.distpatterns.task.core.TaskMessage;
import com.distpatterns.task.core.TaskWorker;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * Feeds deliveries of the task queue to the {@link TaskWorker} and settles each message only afterwards (manual
 * acknowledgement): ack, reject to the dead-letter queue, or requeue.
 */
public final class TaskDeliveryListener implements ChannelAwareMessageListener {

  private static final Logger log = LoggerFactory.getLogger(TaskDeliveryListener.class);

  private final TaskWorker worker;
  private final TaskMessageCodec codec;
  private final Duration pauseOnFailure;

  /** @param pauseOnFailure how long to hold a message before requeueing it when the store or broker fails */
  public TaskDeliveryListener(TaskWorker worker, TaskMessageCodec codec, Duration pauseOnFailure) {
    this.worker = worker;
    this.codec = codec;
    this.pauseOnFailure = pauseOnFailure;
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
    try {
      return worker.handle(task, codec.attempt(message));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.info("task requeued: worker stopping task={}", task.id());
      return Disposition.REQUEUE;
    } catch (RuntimeException e) {
      log.warn("task requeued: cannot settle it now task={} reason=\"{}\"", task.id(), e.toString());
      pause();
      return Disposition.REQUEUE;
    }
  }

  /** Holding the message a moment keeps a store outage from turning into a hot redelivery loop. */
  private void pause() {
    try {
      Thread.sleep(pauseOnFailure);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
