package com.distpatterns.platform.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds the suite's defaults (actuator exposure, probes, Eureka timings, virtual threads) beneath everything
 * else, so each service's {@code application.yml} states only what is its own and can still override any of them.
 */
public class PlatformDefaults implements EnvironmentPostProcessor {

    static final String RESOURCE = "platform-defaults.properties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        try {
            environment.getPropertySources()
                    .addLast(new ResourcePropertySource("platformDefaults", new ClassPathResource(RESOURCE)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }
}
