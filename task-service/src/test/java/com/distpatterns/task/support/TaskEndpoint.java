package com.distpatterns.task.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user's task endpoint, as a real HTTP server on a random port of 127.0.0.1: each call is recorded (headers, body,
 * when) and answered by the test's script.
 */
public final class TaskEndpoint implements AutoCloseable {

    /** One call as the endpoint saw it. */
    public record Call(int number, long receivedAtNanos, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().getFirst()).orElse(null);
        }
    }

    /** An answer: a status and a body; a negative status hangs until the server stops. */
    public record Answer(int status, String body) {}

    /** Decides the answer to the n-th call (1-based). */
    public interface Script {
        Answer answer(Call call);
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();

    public TaskEndpoint(Script script) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> handle(exchange, script));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/run";
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange, Script script) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Call call = new Call(count.incrementAndGet(), System.nanoTime(), Map.copyOf(exchange.getRequestHeaders()),
                body);
        calls.add(call);
        Answer answer = script.answer(call);
        if (answer.status() < 0) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
        try (var stream = exchange.getResponseBody()) {
            stream.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
