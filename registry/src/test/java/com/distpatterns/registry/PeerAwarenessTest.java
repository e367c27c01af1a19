package com.distpatterns.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class PeerAwarenessTest {

    @Test
    void givenPeersTheRegistryRegistersWithThemAndReplicates() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("registry.peers", "http://registry-1.registry:8761/eureka/");
        new PeerAwareness().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("eureka.client.register-with-eureka")).isEqualTo("true");
        assertThat(environment.getProperty("eureka.client.fetch-registry")).isEqualTo("true");
        assertThat(environment.getProperty("eureka.client.service-url.defaultZone"))
                .isEqualTo("http://registry-1.registry:8761/eureka/");
    }

    @Test
    void withoutPeersTheRegistryPointsAtItselfOnly() {
        MockEnvironment environment = new MockEnvironment().withProperty("server.port", "8761");
        new PeerAwareness().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("eureka.client.register-with-eureka")).isEqualTo("false");
        assertThat(environment.getProperty("eureka.client.service-url.defaultZone"))
                .isEqualTo("http://localhost:8761/eureka/");
    }
}
