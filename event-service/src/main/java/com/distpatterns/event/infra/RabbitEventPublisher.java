package com.distpatterns.event.infra;

import com.distpatterns.event.core.EventPublisher;
import com.distpatterns.platform.events.CloudEvent;
import com.distpatterns.platform.events.CloudEventMessages;

/** Publishes events to the topic exchange in the suite's CloudEvents AMQP format, routing key = type. */
public final class RabbitEventPublisher implements EventPublisher {

  private final ConfirmedPublisher publisher;
  private final CloudEventMessages messages;
  private final String exchange;

  public RabbitEventPublisher(ConfirmedPublisher publisher, CloudEventMessages messages, String exchange) {
    this.publisher = publisher;
    this.messages = messages;
    this.exchange = exchange;
  }

  @Override
  public void publish(CloudEvent event) {
    publisher.send(exchange, event.type(), messages.toMessage(event));
  }
}
