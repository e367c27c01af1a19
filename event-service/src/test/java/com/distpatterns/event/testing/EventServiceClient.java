package com.distpatterns.event.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service's HTTP API as a client program uses it. */
public final class EventServiceClient {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    public EventServiceClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public HttpClient http() {
        return http;
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    public HttpResponse<String> publish(String type, String json) throws IOException, InterruptedException {
        return call("POST", "/api/events/" + type, json);
    }

    /** Publishes and returns the event id; fails unless the answer is 202. */
    public String published(String type, String json) throws IOException, InterruptedException {
        return body(publish(type, json), 202).get("id").asString();
    }

    public HttpResponse<String> putSubscription(String name, String pattern, URI webhook)
            throws IOException, InterruptedException {
        return call("PUT", "/api/subscriptions/" + name,
                JSON.writeValueAsString(java.util.Map.of("pattern", pattern, "webhookUrl", webhook.toString())));
    }

    public JsonNode subscription(String name) throws IOException, InterruptedException {
        return body(call("GET", "/api/subscriptions/" + name, null), 200);
    }

    public HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A metric's value from {@code /actuator/prometheus}, as an operator would read it. */
    public double metric(String name) throws IOException, InterruptedException {
        HttpResponse<String> scrape = call("GET", "/actuator/prometheus", null);
        assertThat(scrape.statusCode()).isEqualTo(200);
        for (String line : scrape.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("No metric " + name + " in /actuator/prometheus");
    }

    public static JsonNode body(HttpResponse<String> response, int expectedStatus) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    /** Asserts a problem+json answer with this status and problem type; returns the document. */
    public static JsonNode problem(HttpResponse<String> response, int expectedStatus, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        if (type != null) {
            assertThat(problem.get("type").asString()).isEqualTo("/problems/" + type);
        }
        assertThat(problem.get("detail").asString()).isNotBlank();
        return problem;
    }
}
