package com.distpatterns.platform.metrics;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry.ObservationConfig;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationHandlerGroup;

/**
 * The group Spring Boot makes of the tracing and meter observation handlers where a process traces, with each meter
 * handler wrapped in {@link SampledSpanMeterObservationHandler} instead of Micrometer's
 * {@link TracingAwareMeterObservationHandler}. Boot's group wraps every meter handler in Micrometer's and has no
 * setting to do otherwise; a handler that is already one it files with the tracing handlers, where it would shadow
 * them. So this group takes the same members before Boot's does and registers them as Boot's would: the tracing
 * handlers, the first that supports a call taking it, then the meter handlers likewise. Boot's group is left with no
 * members and registers nothing.
 */
final class SampledExemplarsHandlerGroup implements ObservationHandlerGroup {

    private final Tracer tracer;

    SampledExemplarsHandlerGroup(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Class<?> handlerType() {
        return TracingObservationHandler.class;
    }

    @Override
    public boolean isMember(ObservationHandler<?> handler) {
        return handler instanceof MeterObservationHandler<?> || handler instanceof TracingObservationHandler<?>;
    }

    /** Ahead of every other group, Boot's among them (whose own order puts it after a group of this type). */
    @Override
    public int compareTo(ObservationHandlerGroup other) {
        return other instanceof SampledExemplarsHandlerGroup ? 0 : -1;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void registerMembers(ObservationConfig config, List<ObservationHandler<?>> members) {
        List<ObservationHandler<?>> spans = new ArrayList<>();
        List<ObservationHandler<?>> meters = new ArrayList<>();
        for (ObservationHandler<?> member : members) {
            if (member instanceof TracingAwareMeterObservationHandler<?>) {
                meters.add(member);
            } else if (member instanceof MeterObservationHandler meter) {
                meters.add(new SampledSpanMeterObservationHandler<>(meter, tracer));
            } else {
                spans.add(member);
            }
        }
        register(config, spans);
        register(config, meters);
    }

    private static void register(ObservationConfig config, List<ObservationHandler<?>> handlers) {
        if (handlers.size() == 1) {
            config.observationHandler(handlers.getFirst());
        } else if (!handlers.isEmpty()) {
            config.observationHandler(new FirstMatchingCompositeObservationHandler(handlers));
        }
    }
}
