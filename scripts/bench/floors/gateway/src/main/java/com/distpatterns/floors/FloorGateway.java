package com.distpatterns.floors;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Spring Cloud Gateway as it comes: one static route (application.properties, {@code FLOOR_TARGET}) and nothing
 * else. What it proxies per second is the floor under the suite's gateway, which adds API keys, rate limits, a
 * circuit breaker, discovery and observability on top.
 */
@SpringBootApplication
public class FloorGateway {

    public static void main(String[] args) {
        SpringApplication.run(FloorGateway.class, args);
    }
}
