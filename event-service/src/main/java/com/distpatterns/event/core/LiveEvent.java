package com.distpatterns.event.core;

/**
 * One event on its way to a live stream client.
 *
 * @param id the CloudEvent id
 * @param type the CloudEvent type
 * @param envelope the CloudEvents JSON envelope exactly as it travelled over AMQP (UTF-8)
 */
public record LiveEvent(String id, String type, byte[] envelope) {

    /** What holding this event in memory costs, roughly: its envelope. */
    public int size() {
        return envelope.length;
    }
}
