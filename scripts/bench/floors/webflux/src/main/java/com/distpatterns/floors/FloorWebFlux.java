package com.distpatterns.floors;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The least a Spring service can do for a cache GET: read the key from Redis, non-blocking, and return it. No
 * validation, statistics, TTL lookup, metrics, tracing or error mapping: what is left is the framework's own cost,
 * the floor under cache-service's direct GET.
 */
@SpringBootApplication
public class FloorWebFlux {

    public static void main(String[] args) {
        SpringApplication.run(FloorWebFlux.class, args);
    }

    @Bean
    RouterFunction<ServerResponse> entries(ReactiveStringRedisTemplate redis) {
        return RouterFunctions.route()
                .GET("/api/caches/{cache}/entries/{key}", request -> redis.opsForValue()
                        .get("floor:" + request.pathVariable("cache") + ":" + request.pathVariable("key"))
                        .flatMap(value -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(value))
                        .switchIfEmpty(ServerResponse.notFound().build()))
                .build();
    }
}
