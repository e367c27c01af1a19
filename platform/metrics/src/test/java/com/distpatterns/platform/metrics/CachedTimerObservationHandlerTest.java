package com.distpatterns.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler.IgnoredMeters;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The handler makes Micrometer's meters, the same names, tags and counts, and keeps each timer once found. */
class CachedTimerObservationHandlerTest {

    @Test
    void makesTheMetersMicrometersOwnHandlerMakes() {
        SimpleMeterRegistry micrometers = new SimpleMeterRegistry();
        SimpleMeterRegistry cached = new SimpleMeterRegistry();
        calls(observations(new DefaultMeterObservationHandler(micrometers)));
        calls(observations(new CachedTimerObservationHandler(cached)));

        assertThat(meters(cached)).isEqualTo(meters(micrometers)).containsKeys(
                "TIMER http.server.requests [error=none, method=GET, outcome=SUCCESS, status=200, uri=/a]",
                "TIMER http.server.requests [error=IllegalStateException, method=GET, outcome=SERVER_ERROR, status=500, uri=/a]",
                "LONG_TASK_TIMER http.server.requests.active [method=GET, uri=/a]",
                "TIMER http.server.requests [error=IllegalArgumentException, method=GET, outcome=CLIENT_ERROR, status=404, uri=/b]",
                "COUNTER http.server.requests.retried [method=GET, uri=/b]");
    }

    @Test
    void aTimerIsKeptOnceFoundAndOneTheRegistryRemovesIsRegisteredAgain() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CachedTimerObservationHandler handler = new CachedTimerObservationHandler(registry,
                IgnoredMeters.LONG_TASK_TIMER);
        ObservationRegistry observations = observations(handler);
        for (int i = 0; i < 100; i++) {
            call(observations, "/a", 200, null);
        }
        Timer timer = registry.get("http.server.requests").tag("uri", "/a").timer();
        assertThat(timer.count()).isEqualTo(100);
        assertThat(handler.timersKept()).isEqualTo(1);
        assertThat(registry.find("http.server.requests.active").meters()).isEmpty();

        registry.remove(timer);
        assertThat(handler.timersKept()).isZero();
        call(observations, "/a", 200, null);
        assertThat(registry.get("http.server.requests").tag("uri", "/a").timer().count()).isEqualTo(1);
    }

    @Test
    void keepsAtMostItsBoundOfTimersAndStillRecordsEveryOtherInTheRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CachedTimerObservationHandler handler = new CachedTimerObservationHandler(registry,
                IgnoredMeters.LONG_TASK_TIMER);
        ObservationRegistry observations = observations(handler);
        int uris = CachedTimerObservationHandler.MAX_TIMERS + 50;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < uris; i++) {
                call(observations, "/u" + i, 200, null);
            }
        }
        assertThat(handler.timersKept()).isEqualTo(CachedTimerObservationHandler.MAX_TIMERS);
        assertThat(registry.find("http.server.requests").timers()).hasSize(uris)
                .allSatisfy(t -> assertThat(t.count()).isEqualTo(2));
    }

    @Test
    void aLongTaskTimerCountsTheCallsUnderWayWhenItIsWanted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ObservationRegistry observations = observations(new CachedTimerObservationHandler(registry));
        Observation observation = Observation.createNotStarted("http.server.requests", observations)
                .lowCardinalityKeyValue("uri", "/slow").start();
        LongTaskTimer active = registry.get("http.server.requests.active").longTaskTimer();
        assertThat(active.activeTasks()).isEqualTo(1);
        observation.stop();
        assertThat(active.activeTasks()).isZero();
    }

    private static ObservationRegistry observations(MeterObservationHandler<Observation.Context> handler) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(handler);
        return registry;
    }

    private static void calls(ObservationRegistry observations) {
        for (int i = 0; i < 3; i++) {
            call(observations, "/a", 200, null);
            call(observations, "/a", 500, new IllegalStateException("down"));
            call(observations, "/b", 404, null);
            // The same key values with and without an error (one thrown after the answer was sent): two timers.
            call(observations, "/b", 404, new IllegalArgumentException("late"));
        }
        Observation retried = Observation.createNotStarted("http.server.requests", observations)
                .lowCardinalityKeyValue("method", "GET").lowCardinalityKeyValue("uri", "/b").start();
        retried.event(Observation.Event.of("retried"));
        retried.stop();
    }

    /** As a server observation goes: method and route known at the start, the status and outcome only at the end. */
    private static void call(ObservationRegistry observations, String uri, int status, Throwable error) {
        Observation observation = Observation.createNotStarted("http.server.requests", observations)
                .lowCardinalityKeyValue("method", "GET").lowCardinalityKeyValue("uri", uri).start();
        if (error != null) {
            observation.error(error);
        }
        observation.lowCardinalityKeyValue("status", Integer.toString(status))
                .lowCardinalityKeyValue("outcome", status < 400 ? "SUCCESS"
                        : status < 500 ? "CLIENT_ERROR" : "SERVER_ERROR")
                .highCardinalityKeyValue("http.url", uri + "?n=" + status);
        observation.stop();
    }

    /** Every meter by type, name and tags, with what it counted. */
    private static Map<String, Long> meters(MeterRegistry registry) {
        Function<Meter, Long> count = meter -> switch (meter) {
            case Timer t -> t.count();
            case LongTaskTimer l -> (long) l.activeTasks();
            case io.micrometer.core.instrument.Counter c -> (long) c.count();
            default -> -1L;
        };
        Map<String, Long> meters = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            List<String> tags = meter.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue()).toList();
            meters.put(meter.getId().getType() + " " + meter.getId().getName() + " " + tags.toString(),
                    count.apply(meter));
        }
        return meters;
    }
}
