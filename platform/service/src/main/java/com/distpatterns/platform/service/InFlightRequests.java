package com.distpatterns.platform.service;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The one figure Spring Boot's graceful shutdown reads from Jetty, the requests in flight, counted without the rest of
 * Jetty's statistics. Spring Boot 4.0 puts a {@link StatisticsHandler} in front of every request only for that figure;
 * it wraps each request, response and stream to time them, count their bytes and sort their statuses, 3.7-4.8 % of
 * cache-service's CPU samples on a near-cache hit (docs/benchmarks.md, issue 22, thirty-second session). This is still
 * a {@code StatisticsHandler}, so Spring Boot finds it and waits on {@link #getRequestsActive()} as before; the other
 * statistics, which nothing reads, stay zero.
 *
 * <p>A request is in flight from the moment it reaches this handler until its callback completes (its response sent,
 * or failed), counted once whichever way it ends. Threads: any request thread.
 */
final class InFlightRequests extends StatisticsHandler {

    private final AtomicInteger inFlight = new AtomicInteger();

    InFlightRequests(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        if (next == null) {
            return false;
        }
        Counted counted = new Counted(callback);
        try {
            if (next.handle(request, response, counted)) {
                return true;
            }
            counted.end();
            return false;
        } catch (Throwable t) {
            counted.end();
            throw t;
        }
    }

    @Override
    public int getRequestsActive() {
        return inFlight.get();
    }

    /** The request's callback, which takes the request out of the count as it completes. */
    private final class Counted extends Callback.Nested {

        private final AtomicBoolean ended = new AtomicBoolean();

        Counted(Callback callback) {
            super(callback);
            inFlight.incrementAndGet();
        }

        @Override
        public void succeeded() {
            end();
            super.succeeded();
        }

        @Override
        public void failed(Throwable x) {
            end();
            super.failed(x);
        }

        void end() {
            if (ended.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        }
    }
}
