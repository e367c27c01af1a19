package com.distpatterns.gateway.core;

import reactor.core.publisher.Mono;

/** Takes one token from a client's bucket. */
public interface RateLimiter {

    Mono<RateLimitDecision> consume(String clientId);
}
