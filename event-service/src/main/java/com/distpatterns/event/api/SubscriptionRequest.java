package com.distpatterns.event.api;

/**
 * A subscription as a client defines it.
 *
 * @param pattern AMQP topic pattern of the events it receives, e.g. {@code user.#}
 * @param webhookUrl where the events are POSTed; its host must be on the allow-list
 */
public record SubscriptionRequest(String pattern, String webhookUrl) {}
