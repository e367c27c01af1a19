package com.distpatterns.event.api;

import java.time.Instant;

/** The answer to a publish: the event's id, type and time as subscribers will see them. */
public record PublishResponse(String id, String type, Instant time) {}
