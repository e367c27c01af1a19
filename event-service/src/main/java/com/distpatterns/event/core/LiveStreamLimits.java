package com.distpatterns.event.core;

import java.time.Duration;

/**
 * What one instance allows its live stream clients.
 *
 * @param maxClients open streams at most; more are refused rather than slowing every stream down
 * @param bufferEvents events held for one client at most
 * @param bufferBytes bytes of events held for one client at most (one event larger than this still passes alone)
 * @param totalBufferBytes bytes of events held for all clients together at most: many slow clients at once must
 *     not add up to more memory than the instance has; a client that is behind when this is reached is cut off
 * @param heartbeat how often a stream sends a heartbeat comment
 */
public record LiveStreamLimits(int maxClients, int bufferEvents, long bufferBytes, long totalBufferBytes,
        Duration heartbeat) {}
