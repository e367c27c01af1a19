package com.distpatterns.gateway.testsupport;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/** A real downstream HTTP server that answers every call with a small JSON body and remembers what it got. */
public final class StubService implements AutoCloseable {

    /** What the stub received: method, path and headers. */
    public record Received(String method, String path, Headers headers) {}

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    /** While set, calls are taken and held unanswered, as by a process stopped with SIGSTOP. */
    private volatile boolean frozen;
    /** Answers 204 with no body. */
    private final boolean empty;

    private StubService(String name, Duration delay, boolean empty) throws IOException {
        this.empty = empty;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders()));
            try {
                Thread.sleep(delay);
                while (frozen) {
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("{\"service\":\"" + name + "\",\"path\":\"" + exchange.getRequestURI().getPath() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (exchange.getRequestHeaders().containsKey("X-Stub-Answer-Headers")) {
                // Headers a gateway must pass on as they are, beside hop-by-hop ones it must not.
                exchange.getResponseHeaders().add("Set-Cookie", "a=1");
                exchange.getResponseHeaders().add("Set-Cookie", "b=2");
                exchange.getResponseHeaders().add("Cache-TTL-Remaining", "42");
                exchange.getResponseHeaders().add("Connection", "X-Hop");
                exchange.getResponseHeaders().add("X-Hop", "private");
                exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic");
                exchange.getResponseHeaders().add("Keep-Alive", "timeout=5");
            }
            if (empty) {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    public static StubService start(String name) throws IOException {
        return new StubService(name, Duration.ZERO, false);
    }

    /** A stub that answers every call with 204 and no body. */
    public static StubService startEmpty(String name) throws IOException {
        return new StubService(name, Duration.ZERO, true);
    }

    public static StubService startSlow(String name, Duration delay) throws IOException {
        return new StubService(name, delay, false);
    }

    /** A port nothing listens on: a service instance that is registered but down. */
    public static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Holds every call unanswered from now on, those on connections already open included. */
    public void freeze() {
        frozen = true;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Received lastReceived() throws InterruptedException {
        Received last = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        Received next;
        while ((next = received.poll()) != null) {
            last = next;
        }
        return last;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
