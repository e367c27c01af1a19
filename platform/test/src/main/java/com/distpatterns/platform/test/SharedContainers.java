package com.distpatterns.platform.test;

import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/** One Redis and one RabbitMQ container per test JVM, shared by every application context. */
final class SharedContainers {

    private SharedContainers() {}

    /** Imported into contexts that use Redis: {@code @ServiceConnection} points Spring Data Redis at it. */
    static final class Redis {
        @ServiceConnection(name = "redis")
        static final GenericContainer<?> CONTAINER = new GenericContainer<>(DockerImageName.parse("redis:7.4-alpine"))
                .withExposedPorts(6379);

        private Redis() {}

        static Endpoint endpoint() {
            CONTAINER.start();
            return new Endpoint(CONTAINER.getHost(), CONTAINER.getMappedPort(6379));
        }
    }

    /** Imported into contexts that use RabbitMQ. */
    static final class Rabbit {
        @ServiceConnection
        static final RabbitMQContainer CONTAINER = new RabbitMQContainer(
                DockerImageName.parse("rabbitmq:4.1-management-alpine"));

        private Rabbit() {}

        static Endpoint endpoint() {
            CONTAINER.start();
            return new Endpoint(CONTAINER.getHost(), CONTAINER.getAmqpPort());
        }
    }
}
