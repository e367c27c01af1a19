package com.distpatterns.event.core;

import java.time.Instant;

/** What the publisher learns about an accepted event. */
public record PublishedEvent(String id, String type, Instant time) {}
