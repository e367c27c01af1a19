package com.distpatterns.event.core;

import com.distpatterns.platform.events.CloudEvent;

/** Puts an event on the topic exchange. */
public interface EventPublisher {

    /**
     * Returns only once the broker has confirmed the event, so it survives a broker restart in every durable queue
     * it was routed to.
     *
     * @throws PublishNotConfirmedException when the broker refused it or did not confirm it in time
     */
    void publish(CloudEvent event);
}
