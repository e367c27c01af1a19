package com.distpatterns.platform.metrics;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code logback.events} counters, one per level, named, tagged and described as Micrometer's
 * {@code LogbackMetrics} makes them (the dashboards' "log events" panels read them), counted by an appender on the
 * root logger instead of a turbo filter.
 *
 * <p>While Logback holds any turbo filter it asks it on every level check, enabled or not: with
 * {@code LogbackMetrics}'s, every {@code isDebugEnabled} on a request's path (Jetty's in the services, Reactor Netty's,
 * Spring's and resilience4j's in the gateway) walked the filter list and the logger's effective level. Under load,
 * Logback's frames fell from 6.8 % to 4.7 % of cache-service's samples on a near-cache hit without it (twenty-ninth
 * session), and the filter's own from 0.3-0.9 % of the gateway's event loops' to none (twenty-eighth),
 * docs/benchmarks.md. An appender is called only for the events that
 * pass the level check, which are the events the counters count. A logger set not to pass its events to the root
 * ({@code additivity="false"}) goes uncounted; the suite's logging configuration has none. Nor is
 * {@code LogbackMetrics.ignoreMetrics}, which a registry that logs its own publishing would need, honoured: the suite's
 * registries (Prometheus, and the simple one in tests) log nothing per publish.
 */
public final class LogEventMeter extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements MeterBinder, AutoCloseable {

    private static final String NAME = "logback.events";

    private final LoggerContext context;
    private final List<Counters> registries = new CopyOnWriteArrayList<>();
    /** Logback's reset (a reconfiguration) stops and detaches every appender: this puts the meter back. */
    private final LoggerContextListener reattach = new LoggerContextListener() {

        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onReset(LoggerContext reset) {
            start();
            root().addAppender(LogEventMeter.this);
        }

        @Override
        public void onStart(LoggerContext started) {}

        @Override
        public void onStop(LoggerContext stopped) {}

        @Override
        public void onLevelChange(Logger logger, Level level) {}
    };

    private record Counters(Counter error, Counter warn, Counter info, Counter debug, Counter trace) {

        static Counters in(MeterRegistry registry) {
            return new Counters(counter(registry, "error"), counter(registry, "warn"), counter(registry, "info"),
                    counter(registry, "debug"), counter(registry, "trace"));
        }

        private static Counter counter(MeterRegistry registry, String level) {
            return Counter.builder(NAME).tag("level", level)
                    .description("Number of log events that were enabled by the effective log level").baseUnit("events")
                    .register(registry);
        }

        void count(Level level) {
            switch (level.toInt()) {
                case Level.ERROR_INT -> error.increment();
                case Level.WARN_INT -> warn.increment();
                case Level.INFO_INT -> info.increment();
                case Level.DEBUG_INT -> debug.increment();
                case Level.TRACE_INT -> trace.increment();
                default -> {
                    // OFF and ALL are thresholds, not the level of an event.
                }
            }
        }
    }

    public LogEventMeter(LoggerContext context) {
        this.context = context;
        setName(NAME);
        setContext(context);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        registries.add(Counters.in(registry));
        if (!isStarted()) {
            start();
            context.addListener(reattach);
            root().addAppender(this);
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        Level level = event.getLevel();
        for (Counters counters : registries) {
            counters.count(level);
        }
    }

    @Override
    public synchronized void close() {
        context.removeListener(reattach);
        root().detachAppender(this);
        stop();
    }

    private Logger root() {
        return context.getLogger(Logger.ROOT_LOGGER_NAME);
    }
}
