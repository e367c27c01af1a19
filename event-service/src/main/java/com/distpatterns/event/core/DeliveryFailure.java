package com.distpatterns.event.core;

import java.time.Instant;

/** The last failed delivery attempt of a subscription: what went wrong (status or error, never a body) and when. */
public record DeliveryFailure(String error, Instant at) {}
