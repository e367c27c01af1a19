package com.distpatterns.task.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the tests: what a user of the API would send and see. */
public final class Http {

    /** One answer: status, headers, and the body parsed as JSON when it is JSON. */
    public record Reply(int status, HttpHeaders headers, String text, JsonNode json) {

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        public String field(String name) {
            JsonNode value = json == null ? null : json.get(name);
            return value == null || value.isNull() ? null : value.asString();
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public static JsonMapper json() {
        return JSON;
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    public Reply post(String path, String body) {
        return post(path, "application/json", body);
    }

    public Reply post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply put(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** JSON text from a Java value (maps, lists, numbers...). */
    public static String toJson(Object value) {
        return JSON.writeValueAsString(value);
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json = type.contains("json") && !response.body().isEmpty() ? JSON.readTree(response.body()) : null;
            return new Reply(response.statusCode(), response.headers(), response.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
