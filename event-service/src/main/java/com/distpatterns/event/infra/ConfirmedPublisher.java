package com.distpatterns.event.infra;

import com.distpatterns.event.core.PublishNotConfirmedException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Sends a message and waits for the broker's publisher confirm: once this returns, the message is in every durable
 * queue it was routed to, on disk. Many sends share a channel and wait concurrently.
 */
public final class ConfirmedPublisher {

  private final RabbitTemplate rabbit;
  private final Duration timeout;

  public ConfirmedPublisher(RabbitTemplate rabbit, Duration timeout) {
    this.rabbit = rabbit;
    this.timeout = timeout;
  }

  /** @throws PublishNotConfirmedException when the broker refused the message or did not confirm it in time */
  public void send(String exchange, String routingKey, Message message) {
    CorrelationData correlation = new CorrelationData(UUID.randomUUID().toString());
    rabbit.send(exchange, routingKey, message, correlation);
    CorrelationData.Confirm confirm;
    try {
      confirm = correlation.getFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new PublishNotConfirmedException("The broker did not confirm the event within " + timeout.toMillis()
          + " ms; it may or may not have been published.", e);
    } catch (ExecutionException e) {
      throw new PublishNotConfirmedException("The broker's confirmation failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishNotConfirmedException("Interrupted while waiting for the broker's confirmation.", e);
    }
    if (!confirm.ack()) {
      throw new PublishNotConfirmedException("The broker refused the event" + (confirm.reason() == null ? "" : ": "
          + confirm.reason()) + "; it may or may not have been published.", null);
    }
  }
}
