package com.distpatterns.event.core;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: UUID version 7 (RFC 9562), ordered by time, so logs and dead-letter queues read chronologically. Ids
 * must be unique, not secret: 74 random bits per millisecond from a per-thread generator, which unlike
 * {@link UUID#randomUUID()} shares no lock between concurrent publishers.
 */
final class EventIds {

    private EventIds() {}

    static String next(Instant now) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long mostSignificant = (now.toEpochMilli() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long leastSignificant = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(mostSignificant, leastSignificant).toString();
    }
}
