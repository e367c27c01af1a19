package com.distpatterns.gateway.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real downstream HTTP server whose behaviour a test switches while it runs: it answers 200, drops the connection
 * without answering (a service that fails), or answers only after a delay (a slow one). It counts the calls it got.
 */
public final class SwitchableService implements AutoCloseable {

    /** How the next calls are answered. */
    public enum Mode {
        ANSWER, DROP, SLOW
    }

    private final HttpServer server;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.ANSWER);
    private final AtomicInteger calls = new AtomicInteger();

    private SwitchableService(Duration slowDelay) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            Mode now = mode.get();
            if (now == Mode.DROP) {
                // No status line: closing the exchange before sending headers closes the connection.
                exchange.close();
                return;
            }
            if (now == Mode.SLOW) {
                try {
                    Thread.sleep(slowDelay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** Starts answering 200; in {@link Mode#SLOW} each answer waits {@code slowDelay} first. */
    public static SwitchableService start(Duration slowDelay) throws IOException {
        return new SwitchableService(slowDelay);
    }

    public void mode(Mode next) {
        mode.set(next);
    }

    public int calls() {
        return calls.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
