package com.distpatterns.event.infra;

import com.distpatterns.event.core.EventPublisher;
import com.distpatterns.event.core.PublishNotConfirmedException;
import com.distpatterns.platform.events.CloudEvent;
import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.platform.messaging.ConfirmedPublisher;
import com.distpatterns.platform.messaging.PublishFailedException;

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
        try {
            publisher.send(exchange, event.type(), messages.toMessage(event));
        } catch (PublishFailedException e) {
            throw new PublishNotConfirmedException(e.getMessage(), e);
        }
    }
}
