package com.distpatterns.platform.test;

/** How tests get their Redis and RabbitMQ. */
public enum InfrastructureMode {
    /** Throwaway containers from Testcontainers, wired with {@code @ServiceConnection}. */
    CONTAINERS,
    /** The servers already running on 127.0.0.1 (machines without a Docker engine). */
    LOCAL
}
