package com.distpatterns.event.core;

/**
 * An event taken from a subscription's queue, to be delivered.
 *
 * @param id the CloudEvent id, sent as {@code webhook-id}
 * @param envelope the CloudEvents JSON envelope exactly as it travelled, sent as the request body
 */
public record InboundEvent(String id, byte[] envelope) {}
