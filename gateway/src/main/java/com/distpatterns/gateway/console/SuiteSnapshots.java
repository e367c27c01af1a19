package com.distpatterns.gateway.console;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The console's one sequence of snapshots, shared by every page that watches: one poll per period however many
 * pages there are, none while no page is; a page that joins gets the latest snapshot at once.
 *
 * <p>Nothing one page or one poll does may hold up the others, for as long as the pages watch:
 * <ul>
 * <li>a page that stops reading (a laptop asleep with the tab open, a connection gone half-open) gets the latest
 * snapshot when it reads again and nothing in between. A shared {@code replay} asks its source for more only when
 * its slowest subscriber has taken what it had, so without the per-page drop one such page would freeze every page;</li>
 * <li>a poll that takes longer than its limit is given up and the next period polls afresh. Every call inside a poll
 * has its own time limit, but polls run one at a time, so a single poll that never ended would end the stream;</li>
 * <li>a poll that fails is left out, and the stream goes on.</li>
 * </ul>
 */
public final class SuiteSnapshots {

    private static final Logger log = LoggerFactory.getLogger(SuiteSnapshots.class);

    private final Flux<String> json;
    /** Whether the last poll failed: the log says when polls start failing and when they recover, not each one. */
    private final AtomicBoolean failing = new AtomicBoolean();

    /**
     * @param poll one snapshot of the suite as JSON, asked for anew each period
     * @param period how often the suite is polled while a page watches
     * @param limit how long one poll may take before it is given up
     */
    public SuiteSnapshots(Supplier<Mono<String>> poll, Duration period, Duration limit) {
        Flux<String> shared = Flux.interval(Duration.ZERO, period)
                .onBackpressureDrop()
                .concatMap(tick -> poll(poll, limit), 1)
                .doOnSubscribe(s -> log.info("Console stream started: polling the suite every {}", period))
                .doOnCancel(() -> log.info("Console stream stopped: no page is watching"))
                .replay(1)
                .refCount();
        this.json = shared.onBackpressureLatest();
    }

    /** The snapshots as JSON, for one subscriber. */
    public Flux<String> json() {
        return json;
    }

    /** The snapshots as Server-Sent Events of type {@code snapshot}. */
    Flux<ServerSentEvent<String>> events() {
        return json.map(body -> ServerSentEvent.builder(body).event("snapshot").build());
    }

    private Mono<String> poll(Supplier<Mono<String>> poll, Duration limit) {
        return Mono.defer(poll)
                .timeout(limit)
                .doOnNext(snapshot -> {
                    if (failing.compareAndSet(true, false)) {
                        log.info("Console snapshots recovered");
                    }
                })
                .onErrorResume(e -> {
                    if (failing.compareAndSet(false, true)) {
                        log.warn("Console snapshot given up ({}); the stream goes on with the next poll",
                                e instanceof java.util.concurrent.TimeoutException ? "no snapshot within " + limit
                                        : e.toString());
                    }
                    return Mono.empty();
                });
    }
}
