package com.distpatterns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import com.distpatterns.client.Transport.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's own HTTP behaviour (bounds, retries, error mapping), against a real HTTP server on loopback that
 * answers the way the suite's gateway does in those cases. The suite's behaviour itself is tested end to end
 * (platform/e2e).
 */
class TransportTest {

    private final HttpServer server = start();
    private final CountDownLatch never = new CountDownLatch(1);

    private static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        never.countDown();
        server.stop(0);
    }

    private DistpatternsClient client(Duration timeout, RetryPolicy retry) {
        return DistpatternsClient
                .create(new ClientSettings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                        "k1", Duration.ofSeconds(1), timeout, retry, null));
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Test
    void anErrorAnswerBecomesATypedExceptionCarryingTheProblem() {
        server.createContext("/api/caches/c/entries/k", exchange -> answer(exchange, 413, "application/problem+json",
                "{\"type\":\"/problems/value-too-large\",\"title\":\"Value too large\",\"status\":413,"
                        + "\"detail\":\"A value is at most 1048576 bytes.\"}"));
        try (DistpatternsClient client = client(Duration.ofSeconds(2), RetryPolicy.DEFAULT)) {
            assertThatThrownBy(() -> client.cache("c").put("k", "v"))
                    .isInstanceOfSatisfying(ProblemException.InvalidRequestException.class, problem -> {
                        assertThat(problem.status()).isEqualTo(413);
                        assertThat(problem.type()).hasToString("/problems/value-too-large");
                        assertThat(problem.title()).isEqualTo("Value too large");
                        assertThat(problem.detail()).isEqualTo("A value is at most 1048576 bytes.");
                    });
        }
    }

    @Test
    void theApiKeyTravelsAndA401IsUnauthorized() {
        server.createContext("/api/caches/c/entries/k", exchange -> {
            boolean keyed = "k1".equals(exchange.getRequestHeaders().getFirst("X-API-Key"));
            answer(exchange, keyed ? 401 : 400, "application/problem+json",
                    "{\"title\":\"Unauthorized\",\"status\":401}");
        });
        try (DistpatternsClient client = client(Duration.ofSeconds(2), RetryPolicy.DEFAULT)) {
            assertThatThrownBy(() -> client.cache("c").evict("k"))
                    .isInstanceOf(ProblemException.UnauthorizedException.class)
                    .hasMessageContaining("401 Unauthorized");
        }
    }

    @Test
    void aTransient503IsRetriedWithBackoffAndThenSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/api/caches/c/entries/k", exchange -> {
            if (calls.incrementAndGet() < 3) {
                exchange.getResponseHeaders().add("Retry-After", "0");
                answer(exchange, 503, "application/problem+json", "{\"title\":\"Service Unavailable\",\"status\":503}");
            } else {
                answer(exchange, 200, "application/json", "{\"v\":1}");
            }
        });
        try (DistpatternsClient client = client(Duration.ofSeconds(2),
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)))) {
            assertThat(client.cache("c").lookup("k").get("v").asInt()).isEqualTo(1);
            assertThat(calls).hasValue(3);
        }
    }

    @Test
    void retriesEndAndTheLastAnswerIsThrown() {
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/api/caches/c/entries/k", exchange -> {
            calls.incrementAndGet();
            answer(exchange, 503, "application/problem+json",
                    "{\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"down\"}");
        });
        try (DistpatternsClient client = client(Duration.ofSeconds(2),
                new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50)))) {
            assertThatThrownBy(() -> client.cache("c").lookup("k"))
                    .isInstanceOfSatisfying(ProblemException.UnavailableException.class,
                            problem -> assertThat(problem.detail()).isEqualTo("down"));
            assertThat(calls).hasValue(2);
        }
    }

    @Test
    void aCallWithoutAnswerEndsAtItsTimeout() {
        server.createContext("/api/caches/c/entries/k", exchange -> {
            try {
                never.await(); // holds the request open until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (DistpatternsClient client = client(Duration.ofMillis(300), RetryPolicy.NONE)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.cache("c").lookup("k"))
                    .isInstanceOfSatisfying(SuiteUnreachableException.class, e -> assertThat(e.timedOut()).isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (DistpatternsClient client = DistpatternsClient
                .create(new ClientSettings(URI.create("http://127.0.0.1:" + closedPort),
                        null, Duration.ofSeconds(1), Duration.ofSeconds(1),
                        new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)), null))) {
            assertThatThrownBy(() -> client.cache("c").lookup("k"))
                    .isInstanceOfSatisfying(SuiteUnreachableException.class, e -> assertThat(e.timedOut()).isFalse());
        }
    }

    @Test
    void namesAndSettingsAreCheckedBeforeAnyCall() {
        try (DistpatternsClient client = client(Duration.ofSeconds(1), RetryPolicy.NONE)) {
            assertThatThrownBy(() -> client.lock("no spaces")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.lock("ok", Duration.ofMillis(50)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.cache("a/b")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ClientSettings.of("ftp://x", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(0, null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    // The wire itself (Http1): keep-alive, framing, connections the server ends, time bounds, what is repeated.

    @Test
    void oneKeepAliveConnectionServesCallAfterCall() {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        server.createContext("/api/caches/c/entries/k", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            answer(exchange, 200, "application/json", "{\"v\":1}");
        });
        try (DistpatternsClient client = client(Duration.ofSeconds(2), RetryPolicy.NONE)) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.cache("c").lookup("k").get("v").asInt()).isEqualTo(1);
            }
            assertThat(clientPorts).hasSize(1);
        }
    }

    @Test
    void aChunkedAnswerIsReadWholeAndTheConnectionKept() {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        String big = "x".repeat(20_000);
        server.createContext("/api/caches/c/entries/k", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream out = exchange.getResponseBody();
            for (String part : new String[] {"{\"v\":\"", big, "\"}"}) {
                out.write(part.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            exchange.close();
        });
        try (DistpatternsClient client = client(Duration.ofSeconds(2), RetryPolicy.NONE)) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.cache("c").lookup("k").get("v").asString()).isEqualTo(big);
            }
            assertThat(clientPorts).hasSize(1);
        }
    }

    @Test
    void connectionCloseIsHonouredAndTheNextCallConnectsAgain() throws Exception {
        try (RawServer raw = new RawServer((request, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
                    + "Connection: close\r\n\r\n{\"v\":1}"));
            return false;
        }); DistpatternsClient client = client(raw.port(), Duration.ofSeconds(2), RetryPolicy.NONE)) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.cache("c").lookup("k").get("v").asInt()).isEqualTo(1);
            }
            assertThat(raw.connections).hasValue(3);
        }
    }

    @Test
    void chunkExtensionsAndTrailersAreUnderstood() throws Exception {
        try (RawServer raw = new RawServer((request, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3;note=1\r\n{\"v\r\n4\r\n\":1}\r\n0\r\nX-Trailer: t\r\n\r\n"));
            return true;
        }); DistpatternsClient client = client(raw.port(), Duration.ofSeconds(2), RetryPolicy.NONE)) {
            assertThat(client.cache("c").lookup("k").get("v").asInt()).isEqualTo(1);
            assertThat(client.cache("c").lookup("k").get("v").asInt()).isEqualTo(1);
            assertThat(raw.connections).hasValue(1);
        }
    }

    @Test
    void aCallThatMayHaveReachedTheSuiteIsRepeatedOnlyIfSafe() throws Exception {
        // The server reads each request and closes the connection without a word: it may have acted on it.
        try (RawServer raw = new RawServer((request, out) -> false);
                DistpatternsClient client = client(raw.port(), Duration.ofSeconds(2),
                        new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)))) {
            Transport transport = client.transport();
            assertThatThrownBy(
                    () -> transport.sendUninterruptibly(new Call("POST", "/api/locks/l/acquire", Map.of("ttlMs", 1000),
                            null, Repeat.ONLY_IF_NOT_SENT)))
                    .isInstanceOfSatisfying(SuiteUnreachableException.class, e -> assertThat(e.timedOut()).isFalse());
            assertThat(raw.requests).hasValue(1);
            assertThatThrownBy(() -> transport.sendUninterruptibly(Call.get("/api/locks/l")))
                    .isInstanceOf(SuiteUnreachableException.class);
            assertThat(raw.requests).hasValue(1 + 3);
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsNotUsed() throws Exception {
        // Keep-alive answers, then the server ends the connection: a pooled connection the client must not trust.
        try (RawServer raw = new RawServer((request, out) -> {
            out.write(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
            return false;
        }); DistpatternsClient client = client(raw.port(), Duration.ofSeconds(2), RetryPolicy.NONE)) {
            Transport transport = client.transport();
            Call release = new Call("POST", "/api/locks/l/release", Map.of("leaseId", "x"), null,
                    Repeat.ONLY_IF_NOT_SENT);
            assertThat(transport.sendUninterruptibly(release).status()).isEqualTo(204);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Http1.VALIDATE_AFTER_NANOS) + 200);
            // Idle past the check: the client finds the connection ended before it sends, and takes a new one.
            assertThat(transport.sendUninterruptibly(release).status()).isEqualTo(204);
            assertThat(raw.requests).hasValue(2);
            assertThat(raw.connections).hasValue(2);
        }
    }

    @Test
    void aRefusedConnectionIsRetriedEvenForACallNeverToRepeat() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CountDownLatch listening = new CountDownLatch(1);
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(150);
                try (RawServer raw = new RawServer(port, (request, out) -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
                    return true;
                })) {
                    listening.countDown();
                    Thread.sleep(3000);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        later.start();
        try (DistpatternsClient client = client(port, Duration.ofSeconds(2),
                new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(400)))) {
            Response answer = client.transport()
                    .sendUninterruptibly(new Call("POST", "/api/locks/l/acquire", Map.of(), null,
                            Repeat.ONLY_IF_NOT_SENT));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(listening.getCount()).isZero();
        }
    }

    @Test
    void aBodyThatTricklesIsBoundedByTheCallsTimeToo() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (RawServer raw = new RawServer((request, out) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"v\":"));
            out.flush();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }); DistpatternsClient client = client(raw.port(), Duration.ofMillis(400), RetryPolicy.NONE)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.cache("c").lookup("k"))
                    .isInstanceOfSatisfying(SuiteUnreachableException.class, e -> assertThat(e.timedOut()).isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(350),
                    Duration.ofMillis(1500));
        } finally {
            done.countDown();
        }
    }

    @Test
    void anAsyncCallGivesTheSameAnswer() throws Exception {
        server.createContext("/api/caches/c/entries/k",
                exchange -> answer(exchange, 200, "application/json", "{\"v\":2}"));
        try (DistpatternsClient client = client(Duration.ofSeconds(2), RetryPolicy.NONE)) {
            Response answer = client.transport().sendAsync(Call.get("/api/caches/c/entries/k"), RetryPolicy.NONE).get(2,
                    TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("content-type")).hasValue("application/json");
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":2}");
        }
    }

    private static DistpatternsClient client(int port, Duration timeout, RetryPolicy retry) {
        return DistpatternsClient.create(new ClientSettings(URI.create("http://127.0.0.1:" + port), null,
                Duration.ofSeconds(1), timeout, retry, null));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A server that answers byte by byte as told: for servers the JDK's HttpServer cannot imitate (closing without an
     * answer, chunk extensions, Connection: close).
     */
    static final class RawServer implements AutoCloseable {
        /** Writes the answer to one request (its head, then its body); returns whether to keep the connection. */
        interface Answer {
            boolean write(String requestHead, OutputStream out) throws IOException;
        }

        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        private final ServerSocket socket;
        private final Thread acceptor;

        RawServer(Answer answer) throws IOException {
            this(0, answer);
        }

        RawServer(int port, Answer answer) throws IOException {
            socket = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket connection = socket.accept();
                        connections.incrementAndGet();
                        Thread serving = new Thread(() -> serve(connection, answer));
                        serving.setDaemon(true);
                        serving.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve(Socket connection, Answer answer) {
            try (connection;
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1))) {
                while (true) {
                    StringBuilder head = new StringBuilder();
                    int length = 0;
                    String line;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                        head.append(line).append('\n');
                        if (line.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    if (line == null) {
                        return;
                    }
                    in.skip(length); // the suite's JSON bodies here are ASCII: chars are bytes
                    requests.incrementAndGet();
                    OutputStream out = connection.getOutputStream();
                    boolean keep = answer.write(head.toString(), out);
                    out.flush();
                    if (!keep) {
                        return;
                    }
                }
            } catch (IOException ended) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
