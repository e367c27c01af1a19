package com.distpatterns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
    return DistpatternsClient.create(new ClientSettings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
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
      answer(exchange, keyed ? 401 : 400, "application/problem+json", "{\"title\":\"Unauthorized\",\"status\":401}");
    });
    try (DistpatternsClient client = client(Duration.ofSeconds(2), RetryPolicy.DEFAULT)) {
      assertThatThrownBy(() -> client.cache("c").evict("k"))
          .isInstanceOf(ProblemException.UnauthorizedException.class).hasMessageContaining("401 Unauthorized");
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
    try (DistpatternsClient client = client(Duration.ofSeconds(2), new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)))) {
      assertThat(client.cache("c").lookup("k").get("v").asInt()).isEqualTo(1);
      assertThat(calls).hasValue(3);
    }
  }

  @Test
  void retriesEndAndTheLastAnswerIsThrown() {
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/api/caches/c/entries/k", exchange -> {
      calls.incrementAndGet();
      answer(exchange, 503, "application/problem+json", "{\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"down\"}");
    });
    try (DistpatternsClient client = client(Duration.ofSeconds(2), new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50)))) {
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
    try (DistpatternsClient client = DistpatternsClient.create(new ClientSettings(URI.create("http://127.0.0.1:" + closedPort),
        null, Duration.ofSeconds(1), Duration.ofSeconds(1), new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)), null))) {
      assertThatThrownBy(() -> client.cache("c").lookup("k"))
          .isInstanceOfSatisfying(SuiteUnreachableException.class, e -> assertThat(e.timedOut()).isFalse());
    }
  }

  @Test
  void namesAndSettingsAreCheckedBeforeAnyCall() {
    try (DistpatternsClient client = client(Duration.ofSeconds(1), RetryPolicy.NONE)) {
      assertThatThrownBy(() -> client.lock("no spaces")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.lock("ok", Duration.ofMillis(50))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.cache("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ClientSettings.of("ftp://x", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(0, null, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
