package com.distpatterns.consensus.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP API of one node, as a client calls it. */
final class KvClient {

    /** One answer: status, Retry-After, and the JSON body (null if there is none). */
    record Answer(int status, String retryAfter, JsonNode body, String contentType) {
        boolean ok() {
            return status == 200;
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;

    KvClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Answer put(String key, String json) {
        return call(HttpRequest.newBuilder(kv(key)).PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"));
    }

    Answer get(String key) {
        return call(HttpRequest.newBuilder(kv(key)).GET());
    }

    Answer getLocal(String key) {
        return call(HttpRequest.newBuilder(URI.create(kv(key) + "?consistency=local")).GET());
    }

    Answer delete(String key) {
        return call(HttpRequest.newBuilder(kv(key)).DELETE());
    }

    Answer cas(String key, String body) {
        return call(HttpRequest.newBuilder(URI.create(kv(key) + "/cas")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    Answer cluster() {
        return call(HttpRequest.newBuilder(URI.create(baseUrl + "/api/cluster")).GET());
    }

    Answer readiness() {
        return call(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness")).GET());
    }

    Answer post(String path, String body) {
        return call(HttpRequest.newBuilder(URI.create(baseUrl + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    Answer delete(URI uri) {
        return call(HttpRequest.newBuilder(uri).DELETE());
    }

    /** Any call: {@code path} with its query as given (already encoded), a JSON body or none. */
    Answer call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type",
                    "application/json");
        }
        return call(request);
    }

    String baseUrl() {
        return baseUrl;
    }

    private URI kv(String key) {
        return URI.create(baseUrl + "/api/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static Answer call(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            JsonNode json = body == null || body.isBlank() ? null : JSON.readTree(body);
            return new Answer(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), json,
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            return new Answer(-1, null, null, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, null, null, "");
        }
    }
}
