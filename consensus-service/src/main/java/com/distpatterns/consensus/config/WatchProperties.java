package com.distpatterns.consensus.config;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Watches ({@code GET /api/kv/watch}).
 *
 * @param bufferEvents events one watcher may have waiting for its reader; beyond, it is ended with {@code lagging}
 * @param progressInterval silence after which a watcher gets {@code progress} with the revision it is up to date with
 */
@Validated
@ConfigurationProperties("consensus.watch")
public record WatchProperties(@Positive int bufferEvents, @NotNull Duration progressInterval) {}
