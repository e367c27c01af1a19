package com.distpatterns.gateway.console;

import java.time.Duration;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console: one page at {@code /console} (static files, no build step) and the one stream it reads,
 * {@code /api/console/stream}: a snapshot of the whole suite each second. The stream is under {@code /api/}, so it
 * needs the same API key as every other call; the page asks for one when the gateway has keys.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration {

    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration CALL_TIMEOUT = Duration.ofMillis(800);
    /**
     * A poll asks the registry, then every service at once, then (for tasks) each shown batch: three calls' limits
     * in a row at most, when nothing hangs; a poll still running after that is given up.
     */
    static final Duration POLL_LIMIT = Duration.ofSeconds(3);

    @Bean
    SuiteProbe suiteProbe(ReactiveDiscoveryClient discovery, JsonMapper json) {
        return new SuiteProbe(discovery, WebClient.create(), json, CALL_TIMEOUT);
    }

    /** One poll of the suite per second however many pages watch, and none while no page does. */
    @Bean
    SuiteSnapshots suiteSnapshots(SuiteProbe probe, JsonMapper json) {
        return new SuiteSnapshots(() -> probe.snapshot().map(json::writeValueAsString), PERIOD, POLL_LIMIT);
    }

    @Bean
    RouterFunction<ServerResponse> consoleRoutes(SuiteSnapshots snapshots) {
        ClassPathResource page = new ClassPathResource("static/console/index.html");
        return RouterFunctions.route()
                .GET("/console", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(page))
                .GET("/console/", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(page))
                .GET("/api/console/stream", request -> ServerResponse.ok()
                        .contentType(MediaType.TEXT_EVENT_STREAM)
                        .header("Cache-Control", "no-store")
                        .body(BodyInserters.fromServerSentEvents(snapshots.events())))
                .build();
    }
}
