package com.distpatterns.platform.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of Micrometer's {@link DefaultMeterObservationHandler}, the same names and tags, with each observation's
 * timer kept once found. Micrometer's handler looks the timer up on every stop: it copies the key values into tags,
 * sorts them into a new meter id and finds that id in the registry, 5.5 % of cache-service's CPU samples on a
 * near-cache hit (docs/benchmarks.md, issue 22, thirty-second session). Here a stop finds its timer by the key values
 * themselves, which the observation has already sorted.
 *
 * <p>At most {@value #MAX_TIMERS} timers are kept, so a name or tag of unbounded cardinality costs what it did, not
 * memory; a timer the registry removes is forgotten, so the next stop registers it again. The long-task timer
 * ({@code <name>.active}) and event counters are made as Micrometer makes them, on the calls that want them.
 *
 * <p>Threads: any; the timers are kept in a concurrent map.
 */
final class CachedTimerObservationHandler implements MeterObservationHandler<Observation.Context> {

    static final int MAX_TIMERS = 2_000;

    private final MeterRegistry registry;
    private final boolean longTaskTimers;
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    CachedTimerObservationHandler(MeterRegistry registry, boolean longTaskTimers) {
        this.registry = registry;
        this.longTaskTimers = longTaskTimers;
        registry.config().onMeterRemoved(meter -> timers.values().remove(meter));
    }

    @Override
    public void onStart(Observation.Context context) {
        if (longTaskTimers) {
            LongTaskTimer.Sample active = registry.more()
                    .longTaskTimer(context.getName() + ".active", tags(context.getLowCardinalityKeyValues(), null))
                    .start();
            context.put(LongTaskTimer.Sample.class, active);
        }
        context.put(Timer.Sample.class, Timer.start(registry));
    }

    @Override
    public void onStop(Observation.Context context) {
        Timer.Sample sample = context.getRequired(Timer.Sample.class);
        sample.stop(timer(context.getName(), context.getLowCardinalityKeyValues(), errorValue(context)));
        LongTaskTimer.Sample active = context.get(LongTaskTimer.Sample.class);
        if (active != null) {
            active.stop();
        }
    }

    @Override
    public void onEvent(Observation.Event event, Observation.Context context) {
        Counter.builder(context.getName() + "." + event.getName())
                .tags(tags(context.getLowCardinalityKeyValues(), null))
                .register(registry)
                .increment();
    }

    int timersKept() {
        return timers.size();
    }

    private Timer timer(String name, KeyValues keyValues, String error) {
        TimerKey key = new TimerKey(name, keyValues, error);
        Timer timer = timers.get(key);
        if (timer != null) {
            return timer;
        }
        timer = registry.timer(name, tags(keyValues, error));
        if (timers.size() < MAX_TIMERS) {
            timers.putIfAbsent(key, timer);
        }
        return timer;
    }

    private static List<Tag> tags(KeyValues keyValues, String error) {
        List<Tag> tags = new ArrayList<>();
        for (KeyValue keyValue : keyValues) {
            tags.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
        }
        if (error != null) {
            tags.add(Tag.of("error", error));
        }
        return tags;
    }

    private static String errorValue(Observation.Context context) {
        Throwable error = context.getError();
        return error == null ? "none" : error.getClass().getSimpleName();
    }

    private record TimerKey(String name, KeyValues keyValues, String error) {}
}
