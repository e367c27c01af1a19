package com.distpatterns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SSE reader's own behaviour against an HTTP server on loopback that streams the way event-service does:
 * parsing, reconnecting with {@code Last-Event-ID}, the idle bound, close. What event-service sends is tested end
 * to end (platform/e2e ClientEventsIT).
 */
class EventStreamTest {

    private final HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    private final List<String> apiKeys = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    EventStreamTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private DistpatternsClient client() {
        return DistpatternsClient
                .create(new ClientSettings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                        "k1", Duration.ofSeconds(1), Duration.ofSeconds(2), RetryPolicy.NONE, null));
    }

    private static String event(String id, String type, String data) {
        String envelope = "{\"id\":\"" + id + "\",\"source\":\"/event-service\",\"specversion\":\"1.0\",\"type\":\""
                + type
                + "\",\"time\":\"2026-11-25T10:15:30.123456Z\",\"datacontenttype\":\"application/json\",\"data\":"
                + data + "}";
        StringBuilder frame = new StringBuilder("id: " + id + "\nevent: " + type + "\n");
        for (String line : envelope.split("\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        return frame.append('\n').toString();
    }

    /** Opens a stream as event-service does, writes {@code frames}, then ends it or keeps it open silently. */
    private void serve(List<String> frames, boolean thenHang) {
        server.createContext("/api/events/stream", exchange -> {
            connections.incrementAndGet();
            lastEventIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
            apiKeys.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-API-Key")));
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            write(out, "retry: 100\n: streaming events matching " + query(exchange) + "\n\n");
            for (String frame : frames) {
                write(out, frame);
            }
            if (thenHang) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.close();
        });
    }

    private static String query(HttpExchange exchange) {
        return exchange.getRequestURI().getRawQuery();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void eventsArriveInOrderAndTheStreamReconnectsWithTheLastEventId() throws Exception {
        serve(List.of(event("e-1", "user.created", "{\"name\":\"Ada\"}"),
                ": heartbeat\n\n",
                event("e-2", "user.deleted", "{\n  \"name\": \"Bob\"\n}")), false);
        BlockingQueue<SuiteEvent> received = new LinkedBlockingQueue<>();
        AtomicInteger connected = new AtomicInteger();
        try (DistpatternsClient client = client();
                EventStream stream = client.stream("user.*", new EventStream.Listener() {
                    @Override
                    public void onEvent(SuiteEvent event) {
                        received.add(event);
                    }

                    @Override
                    public void onConnected() {
                        connected.incrementAndGet();
                    }
                })) {
            SuiteEvent first = received.poll(5, TimeUnit.SECONDS);
            SuiteEvent second = received.poll(5, TimeUnit.SECONDS);
            assertThat(first.id()).isEqualTo("e-1");
            assertThat(first.type()).isEqualTo("user.created");
            assertThat(first.source()).isEqualTo("/event-service");
            assertThat(first.data().get("name").asString()).isEqualTo("Ada");
            assertThat(second.id()).isEqualTo("e-2");
            assertThat(second.data().get("name").asString()).isEqualTo("Bob"); // data split over lines joined again
            // The server ended the stream: the client is back, saying which event it saw last.
            SuiteEvent again = received.poll(5, TimeUnit.SECONDS);
            assertThat(again.id()).isEqualTo("e-1");
            assertThat(lastEventIds.subList(0, 2)).containsExactly("null", "e-2");
            assertThat(apiKeys).allMatch("k1"::equals);
            assertThat(connected.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aStreamThatGoesSilentIsDroppedAndReconnected() throws Exception {
        serve(List.of(event("e-1", "order.created", "{}")), true);
        BlockingQueue<SuiteEvent> received = new LinkedBlockingQueue<>();
        try (DistpatternsClient client = client();
                EventStream stream = client.stream("order.#", received::add,
                        new EventStream.Options(Duration.ofMillis(50), Duration.ofMillis(200),
                                Duration.ofMillis(600)))) {
            assertThat(received.poll(5, TimeUnit.SECONDS)).isNotNull();
            long start = System.nanoTime();
            // No byte for 600 ms: the client gives the connection up and opens another, which sends the event again.
            assertThat(received.poll(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500),
                    Duration.ofSeconds(3));
            assertThat(connections.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void anErrorAnswerIsRetriedWithBackoffAndCloseEndsTheThread() throws Exception {
        server.createContext("/api/events/stream", exchange -> {
            connections.incrementAndGet();
            byte[] body = "{\"type\":\"/problems/too-many-streams\",\"title\":\"Too many streams\",\"status\":503}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        try (DistpatternsClient client = client()) {
            EventStream stream = client.stream("#", event -> {}, new EventStream.Options(Duration.ofMillis(100),
                    Duration.ofMillis(400), Duration.ofSeconds(5)));
            assertThat(stream.awaitConnected(Duration.ofMillis(1500))).isFalse();
            int attempts = connections.get();
            // 100, 200, 400, 400 ms ... (+/-20 %): a handful in 1.5 s, not a busy loop.
            assertThat(attempts).isBetween(3, 8);
            stream.close();
            // close() has joined the stream's thread; an attempt it sent just before may still be on its way into
            // the server's handler: let it land, then no further attempt may come (the backoff is at most 480 ms).
            Thread.sleep(200);
            int afterClose = connections.get();
            Thread.sleep(600);
            assertThat(connections.get()).isEqualTo(afterClose);
            assertThat(stream.isConnected()).isFalse();
        }
    }

    @Test
    void aBadPatternIsRefusedBeforeAnyCall() {
        try (DistpatternsClient client = client()) {
            assertThatThrownBy(() -> client.stream("User.*", event -> {})).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.stream("user..x", event -> {}))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(connections.get()).isZero();
    }
}
