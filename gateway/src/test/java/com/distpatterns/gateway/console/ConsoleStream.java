package com.distpatterns.gateway.console;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's stream as a client reads it, one snapshot at a time, each within 10 s: a stream that stops sending
 * fails the test instead of hanging the build. Its headers go with its first snapshot, so opening it is bounded too.
 */
final class ConsoleStream implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpResponse<Stream<String>> response;
    private final Iterator<String> lines;
    private final JsonMapper json = JsonMapper.builder().build();

    private ConsoleStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.lines = response.body().iterator();
    }

    static ConsoleStream open(HttpClient http, int port, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/console/stream"))
                .header("X-API-Key", key).build();
        return new ConsoleStream(http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    HttpResponse<Stream<String>> response() {
        return response;
    }

    JsonNode next() {
        return assertTimeoutPreemptively(WAIT, this::read, "no snapshot came");
    }

    private JsonNode read() {
        String event = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event:")) {
                event = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:") && "snapshot".equals(event)) {
                return json.readTree(line.substring("data:".length()));
            }
        }
        throw new AssertionError("the stream ended before a snapshot");
    }

    @Override
    public void close() {
        response.body().close();
    }
}
