package com.distpatterns.lock.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to one lock-service instance over real HTTP, as a user's program would. */
public final class LockHttpClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final String baseUrl;

    public LockHttpClient(HttpClient http, int port) {
        this.http = http;
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** An HTTP answer: status, content type and the parsed JSON body (null when empty). */
    public record Reply(int status, String contentType, JsonNode body, String rawBody, String retryAfter) {

        public String text(String field) {
            return body.get(field).asString();
        }

        public long number(String field) {
            return body.get(field).asLong();
        }
    }

    public Reply acquire(String name, Long ttlMs, Long waitMs, String owner) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (ttlMs != null) {
            body.put("ttlMs", ttlMs);
        }
        if (waitMs != null) {
            body.put("waitMs", waitMs);
        }
        if (owner != null) {
            body.put("owner", owner);
        }
        return post("/api/locks/" + name + "/acquire", JSON.writeValueAsString(body));
    }

    public Reply renew(String name, String leaseId, Long ttlMs) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leaseId", leaseId);
        if (ttlMs != null) {
            body.put("ttlMs", ttlMs);
        }
        return post("/api/locks/" + name + "/renew", JSON.writeValueAsString(body));
    }

    public Reply release(String name, String leaseId) {
        return post("/api/locks/" + name + "/release", JSON.writeValueAsString(Map.of("leaseId", leaseId)));
    }

    public Reply status(String name) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/locks/" + name)).GET());
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    public Reply post(String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json");
        return send(json == null ? request.POST(HttpRequest.BodyPublishers.noBody())
                : request.POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(90)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = raw == null || raw.isEmpty() || !contentType.contains("json") ? null : JSON.readTree(raw);
            return new Reply(response.statusCode(), contentType, body, raw,
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
