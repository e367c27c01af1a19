package com.distpatterns.platform.metrics;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;

/**
 * Micrometer's {@link TracingAwareMeterObservationHandler}, which makes an observation's span current while the
 * observation's timer stops so that the meter registry can take the trace as an exemplar, doing so only for a
 * sampled span. Micrometer's does it for every span, but an exemplar is only ever taken from a sampled one (Spring
 * Boot's exemplar sampler asks the current span), so for the nine calls in ten that the suite does not sample the
 * scope, a new OpenTelemetry context made current with the trace id put into and taken out of the logging MDC,
 * changed nothing: about 5 % of the samples inside cache-service's observation filter (docs/benchmarks.md, issue 22,
 * thirty-seventh session). A sampled span's timer stops in its span's scope as before. The span's sampling decision
 * is asked, not whether it still records, so the answer does not depend on whether the span has ended by the time
 * the timer stops.
 *
 * <p>Threads: any, as Micrometer's.
 */
final class SampledSpanMeterObservationHandler<T extends Observation.Context>
        extends TracingAwareMeterObservationHandler<T> {

    private final MeterObservationHandler<T> delegate;

    SampledSpanMeterObservationHandler(MeterObservationHandler<T> delegate, Tracer tracer) {
        super(delegate, tracer);
        this.delegate = delegate;
    }

    @Override
    public void onStop(T context) {
        TracingContext tracing = context.get(TracingContext.class);
        Span span = tracing == null ? null : tracing.getSpan();
        if (span == null || !Boolean.TRUE.equals(span.context().sampled())) {
            delegate.onStop(context);
        } else {
            super.onStop(context);
        }
    }
}
