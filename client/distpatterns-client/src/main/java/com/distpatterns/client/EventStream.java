package com.distpatterns.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A live stream of the suite's events matching a pattern ({@code GET /api/events/stream}), read by one daemon
 * thread of its own that hands each event to a {@link Listener}, in publish order. It reconnects by itself, with
 * backoff, whenever the stream ends: the service ending it (a final {@code event: error}), a broken connection, no
 * byte for {@link Options#idleTimeout()} (the service sends a heartbeat every 15 s), or an error answer. It sends
 * {@code Last-Event-ID} on reconnecting; event-service does not replay (docs/events.md), so events published while
 * the stream was down are missed: {@link Listener#onConnected()} tells the listener when it may have missed some.
 * Use a durable subscription where nothing may be missed. {@link #close()} ends it.
 *
 * <pre>{@code
 * try (EventStream stream = suite.stream("user.*", event -> log.info("{} {}", event.type(), event.data()))) { ... }
 * }</pre>
 */
public final class EventStream implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
    /** AMQP topic syntax: words of {@code [a-z0-9_-]}, {@code *} one word, {@code #} zero or more. */
    private static final Pattern PATTERN = Pattern.compile("(\\*|#|[a-z0-9_-]+)(\\.(\\*|#|[a-z0-9_-]+))*");
    /** Closes streams that went silent; one thread for all streams, its task only closes a socket. */
    private static final ScheduledExecutorService IDLE_CHECKS = Executors
            .newSingleThreadScheduledExecutor(Transport.daemon("distpatterns-sse-idle"));

    /** What the stream hands over. Called on the stream's own thread, one call at a time. */
    @FunctionalInterface
    public interface Listener {
        /** One event; an exception thrown here is logged and the stream goes on. */
        void onEvent(SuiteEvent event);

        /** The stream is (again) connected: every event published from now on arrives, until a disconnection. */
        default void onConnected() {}

        /** The stream broke; it reconnects after a backoff unless it was closed. */
        default void onDisconnected(Throwable cause) {}
    }

    /**
     * @param initialBackoff the first wait before reconnecting (the service's {@code retry:} hint is used if longer)
     * @param maxBackoff the longest wait between two attempts while the suite stays unreachable
     * @param idleTimeout a stream with no byte (not even a heartbeat) for this long is considered dead
     */
    public record Options(Duration initialBackoff, Duration maxBackoff, Duration idleTimeout) {
        /** The service sends a heartbeat every 15 s: three missed ones mean the connection is gone. */
        public static final Options DEFAULT = new Options(Duration.ofMillis(500), Duration.ofSeconds(30),
                Duration.ofSeconds(45));

        public Options {
            initialBackoff = ClientSettings.positive(initialBackoff, Duration.ofMillis(500), "initialBackoff");
            maxBackoff = ClientSettings.positive(maxBackoff, Duration.ofSeconds(30), "maxBackoff");
            idleTimeout = ClientSettings.positive(idleTimeout, Duration.ofSeconds(45), "idleTimeout");
        }
    }

    private final Transport transport;
    private final String pattern;
    private final Listener listener;
    private final Options options;
    private final Thread thread;
    private final CountDownLatch firstConnection = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile InputStream body;
    private volatile long lastActivity = System.nanoTime();
    private volatile String lastEventId;
    private volatile long serverRetryMs = -1;
    /** Whether the current attempt got as far as the opening frame (only the stream's thread writes it). */
    private volatile boolean opened;

    private EventStream(Transport transport, String pattern, Listener listener, Options options) {
        this.transport = transport;
        this.pattern = pattern;
        this.listener = listener;
        this.options = options;
        this.thread = Transport.daemon("distpatterns-events[" + pattern + "]").newThread(this::run);
    }

    /** Starts following {@code pattern}; returns at once (see {@link #awaitConnected}). */
    static EventStream open(Transport transport, String pattern, Listener listener, Options options) {
        checkPattern(pattern);
        EventStream stream = new EventStream(transport, pattern, listener, options == null ? Options.DEFAULT : options);
        stream.thread.start();
        return stream;
    }

    static void checkPattern(String pattern) {
        if (pattern == null || pattern.length() > 255 || !PATTERN.matcher(pattern).matches()) {
            throw new IllegalArgumentException(
                    "an event pattern is words of [a-z0-9_-], '*' or '#' joined by dots, was '"
                            + pattern + "'");
        }
    }

    public String pattern() {
        return pattern;
    }

    /** Whether the stream is connected now (as far as this client knows). */
    public boolean isConnected() {
        return connected;
    }

    /** Waits until the stream has been connected once; {@code false} if that did not happen within {@code timeout}. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return firstConnection.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        int failures = 0;
        ScheduledFuture<?> idle = IDLE_CHECKS.scheduleWithFixedDelay(this::closeIfIdle,
                options.idleTimeout().toMillis() / 3, options.idleTimeout().toMillis() / 3, TimeUnit.MILLISECONDS);
        try {
            while (!closed) {
                Throwable cause;
                opened = false;
                try {
                    follow();
                    cause = new SuiteUnreachableException("the event stream ended", false, null);
                } catch (IOException | RuntimeException e) {
                    cause = e;
                }
                if (closed) {
                    break;
                }
                boolean wasConnected = opened;
                if (wasConnected) {
                    connected = false;
                    LOG.log(Level.INFO, "Event stream {0} disconnected ({1}); reconnecting", pattern,
                            cause.getMessage());
                }
                notifyDisconnected(cause);
                failures = wasConnected ? 1 : failures + 1;
                if (failures == 5) {
                    LOG.log(Level.WARNING, "Event stream {0} cannot connect: {1}; still trying", pattern,
                            cause.toString());
                }
                try {
                    Thread.sleep(backoff(failures).toMillis());
                } catch (InterruptedException e) {
                    break;
                }
            }
        } finally {
            idle.cancel(false);
            connected = false;
        }
    }

    /** Connects and reads until the stream ends; sets {@link #opened} once the opening frame arrived. */
    private void follow() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "text/event-stream");
        headers.put("Cache-Control", "no-cache");
        if (lastEventId != null) {
            headers.put("Last-Event-ID", lastEventId);
        }
        ClientSettings settings = transport.settings();
        lastActivity = System.nanoTime();
        Transport.Stream response = transport.openStream("/api/events/stream?pattern=" + Transport.segment(pattern),
                headers, settings.requestTimeout());
        if (response.status() != 200) {
            throw transport.problem(Transport.drained(response));
        }
        body = response.body();
        if (closed) {
            body.close();
            return;
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                lastActivity = System.nanoTime();
                if (!opened) {
                    // The service binds the stream's queue before it sends the first bytes: from here on nothing is missed.
                    opened = true;
                    connected = true;
                    firstConnection.countDown();
                    notifyConnected();
                }
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        dispatch(id, event, data.toString());
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + (line.startsWith(": ", colon) ? 2 : 1));
                switch (field) {
                    case "id":
                        id = value;
                        break;
                    case "event":
                        event = value;
                        break;
                    case "data":
                        data.append(data.length() > 0 ? "\n" : "").append(value);
                        break;
                    case "retry":
                        serverRetryMs = parseRetry(value);
                        break;
                    default:
                        break;
                }
            }
        } finally {
            body = null;
        }
    }

    private void dispatch(String id, String event, String data) {
        if ("error".equals(event)) {
            // The service's last frame: why it ends this stream (slow consumer, broker lost, shutting down).
            throw new SuiteUnreachableException("the service ended the event stream: " + data, false, null);
        }
        SuiteEvent parsed;
        try {
            parsed = SuiteEvent.fromEnvelope(data.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException notAnEnvelope) {
            LOG.log(Level.WARNING, "Event stream {0}: skipped an event that is not a CloudEvent ({1})", pattern,
                    notAnEnvelope.toString());
            return;
        }
        if (id != null) {
            lastEventId = id;
        }
        try {
            listener.onEvent(parsed);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Event stream " + pattern + ": the listener failed on event " + parsed.id(), e);
        }
    }

    private void notifyConnected() {
        try {
            listener.onConnected();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Event stream " + pattern + ": the listener failed on connect", e);
        }
    }

    private void notifyDisconnected(Throwable cause) {
        try {
            listener.onDisconnected(cause);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Event stream " + pattern + ": the listener failed on disconnect", e);
        }
    }

    private static long parseRetry(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException ignored) {
            return -1;
        }
    }

    /** Exponential from the larger of the initial backoff and the service's hint, capped, +/-20 % jitter. */
    Duration backoff(int failures) {
        long base = Math.max(options.initialBackoff().toMillis(),
                Math.min(serverRetryMs, options.maxBackoff().toMillis()));
        double wait = Math.min(base * Math.pow(2, Math.max(0, failures - 1)), options.maxBackoff().toMillis());
        return Duration.ofMillis((long) (wait * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    }

    private void closeIfIdle() {
        InputStream current = body;
        if (current != null && System.nanoTime() - lastActivity > options.idleTimeout().toNanos()) {
            LOG.log(Level.INFO, "Event stream {0}: nothing received for {1}; reconnecting", pattern,
                    options.idleTimeout());
            quietlyClose(current);
        }
    }

    private static void quietlyClose(InputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // Closing is all we wanted; the reader sees the end.
        }
    }

    /** Ends the stream and its thread (waits up to a second for it). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        InputStream current = body;
        if (current != null) {
            quietlyClose(current);
        }
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
