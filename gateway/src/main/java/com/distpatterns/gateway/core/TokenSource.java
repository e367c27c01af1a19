package com.distpatterns.gateway.core;

import reactor.core.publisher.Mono;

/** The bucket every gateway replica shares: grants up to a number of a client's tokens at once. */
public interface TokenSource {

    /** Takes up to {@code wanted} tokens; fails (an error signal) when the shared bucket cannot be reached. */
    Mono<TokenLease> lease(String clientId, int wanted);
}
