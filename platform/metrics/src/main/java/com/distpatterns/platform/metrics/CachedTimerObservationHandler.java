package com.distpatterns.platform.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer's {@link DefaultMeterObservationHandler}, the same meters with the same names and tags, with each
 * observation's timer kept once found. Micrometer's handler looks the timer up on every stop: it copies the key values
 * into tags, sorts them into a new meter id and finds that id in the registry, 5.5 % of cache-service's CPU samples on
 * a near-cache hit (docs/benchmarks.md, issue 22, thirty-second session). Here a stop finds its timer by the key values
 * themselves, which the observation has already sorted; the start, the long-task timer and the event counters are
 * Micrometer's own.
 *
 * <p>At most {@value #MAX_TIMERS} timers are kept, so a name or tag of unbounded cardinality costs what it did, not
 * memory; a timer the registry removes is forgotten, so the next stop registers it again.
 *
 * <p>Threads: any; the timers are kept in a concurrent map.
 */
final class CachedTimerObservationHandler extends DefaultMeterObservationHandler {

    static final int MAX_TIMERS = 2_000;

    private final MeterRegistry registry;
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    CachedTimerObservationHandler(MeterRegistry registry, IgnoredMeters... ignored) {
        super(registry, ignored);
        this.registry = registry;
        registry.config().onMeterRemoved(meter -> timers.values().remove(meter));
    }

    @Override
    public void onStop(Observation.Context context) {
        Timer.Sample sample = context.getRequired(Timer.Sample.class);
        sample.stop(timer(context));
        // Present only when Micrometer's onStart made one, that is when long-task timers are not ignored.
        LongTaskTimer.Sample active = context.get(LongTaskTimer.Sample.class);
        if (active != null) {
            active.stop();
        }
    }

    int timersKept() {
        return timers.size();
    }

    private Timer timer(Observation.Context context) {
        Throwable thrown = context.getError();
        TimerKey key = new TimerKey(context.getName(), context.getLowCardinalityKeyValues(),
                thrown == null ? "none" : thrown.getClass().getSimpleName());
        Timer timer = timers.get(key);
        if (timer != null) {
            return timer;
        }
        timer = registry.timer(key.name(), key.tags());
        if (timers.size() < MAX_TIMERS) {
            timers.putIfAbsent(key, timer);
        }
        return timer;
    }

    private record TimerKey(String name, KeyValues keyValues, String error) {

        /** As Micrometer tags a timer: the low-cardinality key values and the error's simple name, or {@code none}. */
        List<Tag> tags() {
            List<Tag> tags = new ArrayList<>();
            for (KeyValue keyValue : keyValues) {
                tags.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
            }
            tags.add(Tag.of("error", error));
            return tags;
        }
    }
}
