package com.distpatterns.event.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A Server-Sent Events client as a browser's EventSource would read the stream, minus the reconnecting. */
public final class SseClient implements AutoCloseable {

    /** One dispatched event. */
    public record SseEvent(String id, String event, String data) {}

    private final InputStream body;
    private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private final Thread reader;
    private volatile boolean ended;

    private SseClient(InputStream body) {
        this.body = body;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    /** Opens the stream and returns once the response has started, that is once the stream's queue is bound. */
    public static SseClient open(HttpClient http, URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).get(60,
                TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        return new SseClient(response.body());
    }

    /** The next event, or {@code null} when none comes within {@code wait}. */
    public SseEvent next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Events up to and including the first of type {@code lastType}; fails if it does not come within {@code wait}. */
    public List<SseEvent> until(String lastType, Duration wait) throws InterruptedException {
        List<SseEvent> received = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            SseEvent event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(event).as("event %s within %s, after %s", lastType, wait, received).isNotNull();
            received.add(event);
            if (event.event().equals(lastType)) {
                return received;
            }
        }
    }

    public int heartbeats() {
        return heartbeats.get();
    }

    /** Whether the server ended the stream. */
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() throws IOException {
        body.close();
        reader.interrupt();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            for (String line; (line = lines.readLine()) != null;) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new SseEvent(id, event == null ? "message" : event, data.toString()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    if (line.contains("heartbeat")) {
                        heartbeats.incrementAndGet();
                    }
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> {}
                    }
                }
            }
        } catch (IOException e) {
            // closed by the test
        } finally {
            ended = true;
        }
    }
}
