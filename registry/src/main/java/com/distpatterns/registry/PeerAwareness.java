package com.distpatterns.registry;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * One setting decides the registry's mode: {@code registry.peers} (env {@code REGISTRY_PEERS}), a comma-separated
 * list of the other registries' Eureka URLs. Empty, the registry runs standalone; given, it registers with and
 * replicates to those peers, as two replicas behind a Kubernetes headless service do.
 */
public class PeerAwareness implements EnvironmentPostProcessor, Ordered {

    /** After application.yml is loaded, so that {@code server.port: ${PORT:8761}} and the peers are known. */
    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String peers = environment.getProperty("registry.peers", "").strip();
        boolean peerAware = !peers.isEmpty();
        String ownUrl = "http://localhost:" + environment.getProperty("server.port", "8761") + "/eureka/";
        environment.getPropertySources().addFirst(new MapPropertySource("registryPeers", Map.of(
                "eureka.client.register-with-eureka", Boolean.toString(peerAware),
                "eureka.client.fetch-registry", Boolean.toString(peerAware),
                "eureka.client.service-url.defaultZone", peerAware ? peers : ownUrl)));
    }
}
