package com.distpatterns.event.api;

import java.util.List;

/**
 * A page of subscriptions with their counts.
 *
 * @param next the cursor of the next page, or {@code null} on the last
 */
public record SubscriptionListResponse(List<SubscriptionResponse> subscriptions, String next) {}
