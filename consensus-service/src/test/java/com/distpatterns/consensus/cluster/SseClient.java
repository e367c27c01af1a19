package com.distpatterns.consensus.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A Server-Sent Events client: reads the stream on its own thread into a queue; the stream's end is an event too. */
final class SseClient implements AutoCloseable {

    /** One event; {@code id} null when it had none. The end of the stream is {@link #END}. */
    record Event(Long id, String name, String data) {}

    static final String END = "<end>";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final int status;
    final String contentType;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Stream<String> lines;
    private final Thread reader;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.lines = response.body();
        this.reader = Thread.ofPlatform().daemon().start(this::read);
    }

    /** Opens {@code baseUrl + path}, with {@code Last-Event-ID} when given; returns once the headers arrived. */
    static SseClient open(String baseUrl, String path, Long lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET()
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        Long id = null;
        String name = "message";
        StringBuilder data = null;
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    id = null;
                    name = "message";
                    data = null;
                } else if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).strip());
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data = (data == null ? new StringBuilder() : data.append('\n'))
                            .append(line.substring(5).stripLeading());
                } else if (status != 200) {
                    data = (data == null ? new StringBuilder() : data).append(line);
                }
            }
            if (status != 200 && data != null) {
                events.add(new Event(null, "body", data.toString()));
            }
        } catch (RuntimeException e) {
            // the connection broke: the node died, or close()
        }
        events.add(new Event(null, END, null));
    }

    /** The next event, or null after {@code timeout}. */
    Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        lines.close();
    }
}
