package com.distpatterns.task.infra;

import com.distpatterns.task.core.QueueUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes with publisher confirms and returns only once the broker has taken responsibility: a nack, a return
 * (unroutable, with a mandatory template) or no confirm in time is a {@link QueueUnavailableException}.
 */
public final class ConfirmedPublisher {

  /** One message and where it goes. */
  public record Outgoing(String exchange, String routingKey, Message message) {}

  private final RabbitTemplate template;
  private final Duration confirmTimeout;

  public ConfirmedPublisher(RabbitTemplate template, Duration confirmTimeout) {
    this.template = template;
    this.confirmTimeout = confirmTimeout;
  }

  public void publish(String exchange, String routingKey, Message message) {
    publishAll(List.of(new Outgoing(exchange, routingKey, message)));
  }

  /** Sends everything first and then waits, so confirms for many messages overlap. */
  public void publishAll(List<Outgoing> messages) {
    List<CorrelationData> pending = new ArrayList<>(messages.size());
    try {
      for (Outgoing outgoing : messages) {
        CorrelationData correlation = new CorrelationData();
        template.send(outgoing.exchange(), outgoing.routingKey(), outgoing.message(), correlation);
        pending.add(correlation);
      }
    } catch (AmqpException e) {
      throw new QueueUnavailableException("The message broker is unreachable: " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + confirmTimeout.toNanos();
    for (CorrelationData correlation : pending) {
      awaitConfirm(correlation, deadline);
    }
  }

  private static void awaitConfirm(CorrelationData correlation, long deadline) {
    CorrelationData.Confirm confirm;
    try {
      confirm = correlation.getFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new QueueUnavailableException("The message broker did not confirm in time.", e);
    } catch (ExecutionException e) {
      throw new QueueUnavailableException("The message broker did not confirm: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueueUnavailableException("Interrupted while waiting for the broker's confirm.", e);
    }
    if (!confirm.ack()) {
      throw new QueueUnavailableException("The message broker refused the message: " + confirm.reason(), null);
    }
    if (correlation.getReturned() != null) {
      var returned = correlation.getReturned();
      throw new QueueUnavailableException("The message broker could not route the message to exchange '"
          + returned.getExchange() + "' with key '" + returned.getRoutingKey() + "' (" + returned.getReplyText()
          + "): is the topology declared?", null);
    }
  }
}
