package com.distpatterns.platform.metrics;

import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;

/**
 * Micrometer's handler for the spans of received calls (an HTTP request, a consumed message), which copies an
 * observation's key values onto its span only where the span records them. Micrometer's copies them onto every span:
 * it merges and sorts the key values and hands each to the span, which, unsampled (nine calls in ten at the suite's
 * sampling probability), drops them. That was 2 % of cache-service's CPU samples on a near-cache hit
 * (docs/benchmarks.md, issue 22, thirty-second session). A sampled span gets every tag as before, and an unsampled
 * one still carries its trace id into the logs and downstream.
 *
 * <p>Threads: any, as Micrometer's.
 */
final class RecordedSpanTagsHandler extends PropagatingReceiverTracingObservationHandler<ReceiverContext<?>> {

    RecordedSpanTagsHandler(Tracer tracer, Propagator propagator) {
        super(tracer, propagator);
    }

    @Override
    public void tagSpan(ReceiverContext<?> context, Span span) {
        if (!span.isNoop()) {
            super.tagSpan(context, span);
        }
    }
}
