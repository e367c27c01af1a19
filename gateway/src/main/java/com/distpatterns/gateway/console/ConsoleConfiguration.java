package com.distpatterns.gateway.console;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console: one page at {@code /console} (static files, no build step) and the one stream it reads,
 * {@code /api/console/stream}: a snapshot of the whole suite each second. The stream is under {@code /api/}, so it
 * needs the same API key as every other call; the page asks for one when the gateway has keys.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConsoleConfiguration.class);
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration CALL_TIMEOUT = Duration.ofMillis(800);

    @Bean
    SuiteProbe suiteProbe(ReactiveDiscoveryClient discovery, JsonMapper json) {
        return new SuiteProbe(discovery, WebClient.create(), json, CALL_TIMEOUT);
    }

    /**
     * One poll of the suite per second however many pages watch, and none while no page does: every subscriber
     * shares one sequence, which starts with the first and stops after the last; a new page gets the latest at once.
     */
    @Bean
    SuiteSnapshots suiteSnapshots(SuiteProbe probe, JsonMapper json) {
        Flux<String> snapshots = Flux.interval(Duration.ZERO, PERIOD)
                .onBackpressureDrop()
                .concatMap(tick -> probe.snapshot().map(json::writeValueAsString), 1)
                .doOnSubscribe(s -> log.info("Console stream started: polling the suite every {}", PERIOD))
                .doOnCancel(() -> log.info("Console stream stopped: no page is watching"))
                .replay(1)
                .refCount();
        return new SuiteSnapshots(snapshots);
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

    /** The shared sequence of snapshots, as Server-Sent Events of type {@code snapshot}. */
    public record SuiteSnapshots(Flux<String> json) {

        Flux<ServerSentEvent<String>> events() {
            return json.map(body -> ServerSentEvent.builder(body).event("snapshot").build());
        }
    }
}
