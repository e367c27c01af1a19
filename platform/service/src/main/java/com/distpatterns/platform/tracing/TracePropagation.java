package com.distpatterns.platform.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.net.http.HttpRequest;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * Carries the current trace across the hops Spring does not instrument here: messages published on a raw channel
 * ({@code ConfirmedPublisher}), consumers in hand-built listener containers, and calls of the JDK's HTTP client
 * (webhooks, http task types). The headers are the tracer's own ({@code traceparent} with the OpenTelemetry
 * bridge), so one request through the gateway stays one trace to the webhook its task's event reaches.
 *
 * <p>{@link #NONE} propagates nothing: for tests and tools that build these parts without a tracer.
 */
public final class TracePropagation {

    public static final TracePropagation NONE = new TracePropagation(Tracer.NOOP, Propagator.NOOP);

    private final Tracer tracer;
    private final Propagator propagator;

    public TracePropagation(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Writes the current trace context, if any, into a message's headers (replacing one it was received with). */
    public void inject(MessageProperties properties) {
        TraceContext context = tracer.currentTraceContext().context();
        if (context != null) {
            propagator.inject(context, properties, MessageProperties::setHeader);
        }
    }

    /** Writes the current trace context, if any, into an outgoing request's headers. */
    public void inject(HttpRequest.Builder request) {
        TraceContext context = tracer.currentTraceContext().context();
        if (context != null) {
            propagator.inject(context, request, HttpRequest.Builder::setHeader);
        }
    }

    /**
     * A listener that handles each message in a consumer span continuing the trace its headers carry (a new trace
     * when they carry none), so the logs and the calls made while handling it belong to the publisher's trace.
     */
    public ChannelAwareMessageListener continuing(String spanName, ChannelAwareMessageListener listener) {
        return (message, channel) -> {
            Span span = propagator.extract(message.getMessageProperties(), TracePropagation::header)
                    .kind(Span.Kind.CONSUMER).name(spanName).start();
            try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
                listener.onMessage(message, channel);
            } catch (Exception | Error e) {
                span.error(e);
                throw e;
            } finally {
                span.end();
            }
        };
    }

    private static String header(MessageProperties properties, String name) {
        Object value = properties.getHeader(name);
        return value == null ? null : value.toString();
    }
}
