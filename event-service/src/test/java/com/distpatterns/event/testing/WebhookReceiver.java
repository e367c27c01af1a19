package com.distpatterns.event.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on 127.0.0.1 standing in for a subscriber's webhook; what it answers is up to the test. */
public final class WebhookReceiver implements AutoCloseable {

    /** A request as it arrived: header names in lower case. */
    public record Request(String path, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Decides the answer to the {@code attempt}-th request carrying one {@code webhook-id} (counted from 1). */
    @FunctionalInterface
    public interface Responder {
        int status(Request request, int attempt) throws Exception;
    }

    private final HttpServer server;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final List<Request> answered = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    private WebhookReceiver(Responder responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> handle(exchange, responder));
        server.start();
    }

    public static WebhookReceiver answering(Responder responder) throws IOException {
        return new WebhookReceiver(responder);
    }

    public static WebhookReceiver accepting() throws IOException {
        return new WebhookReceiver((request, attempt) -> 204);
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Every request that arrived, answered or not yet. */
    public List<Request> received() {
        return List.copyOf(received);
    }

    /** Requests answered with 2xx. */
    public List<Request> accepted() {
        return List.copyOf(answered);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange, Responder responder) throws IOException {
        try (exchange) {
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
            Request request = new Request(exchange.getRequestURI().getPath(), headers,
                    exchange.getRequestBody().readAllBytes());
            received.add(request);
            String id = request.header("webhook-id");
            int attempt = attempts.computeIfAbsent(id == null ? "" : id, k -> new AtomicInteger()).incrementAndGet();
            int status;
            try {
                status = responder.status(request, attempt);
            } catch (Exception e) {
                status = 500;
            }
            if (status >= 300 && status < 400) {
                exchange.getResponseHeaders().add("Location", url("/redirected").toString());
            }
            if (status >= 200 && status < 300) {
                answered.add(request);
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }
}
