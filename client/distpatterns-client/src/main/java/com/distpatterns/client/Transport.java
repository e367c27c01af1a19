package com.distpatterns.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way the client talks to the suite: JSON over the JDK's HttpClient, the API key, a time bound on every
 * call, retries of transient failures, and error answers turned into {@link ProblemException}s. Public only so
 * that the Spring Boot starter can share it; not an API of its own.
 */
public final class Transport implements AutoCloseable {

  /** Statuses worth another attempt: the request did not do anything, or the suite says "later". */
  private static final Set<Integer> TRANSIENT = Set.of(429, 502, 503, 504);
  private static final String PROBLEM_JSON = "application/problem+json";

  private final ClientSettings settings;
  private final HttpClient http;
  private final JsonMapper json;
  private final ExecutorService executor;

  Transport(ClientSettings settings) {
    this.settings = settings;
    // Our own executor (daemon threads), so that close() ends the client's threads on Java 17 too, where
    // HttpClient itself cannot be closed.
    this.executor = Executors.newCachedThreadPool(daemon("distpatterns-http"));
    this.http = HttpClient.newBuilder()
        .executor(executor)
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    // The suite's answers may gain fields; a client built today must keep reading them.
    this.json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  public ClientSettings settings() {
    return settings;
  }

  public JsonMapper json() {
    return json;
  }

  /** Whether a call may be sent again after it may have reached the suite. */
  public enum Repeat { SAFE, ONLY_IF_NOT_SENT }

  /**
   * One call.
   *
   * @param method HTTP method
   * @param path the path after the URL, already encoded (see {@link #segment})
   * @param body a value to send as JSON, or {@code null} for none; a {@code byte[]} is sent as it is
   * @param timeout the bound on this call (each attempt)
   * @param repeat whether a retry may repeat a call the suite may have seen
   */
  public record Call(String method, String path, Object body, Duration timeout, Repeat repeat) {
    public static Call get(String path) {
      return new Call("GET", path, null, null, Repeat.SAFE);
    }
  }

  /** An answer with any status: the caller decides which it expects ({@link #expect}). */
  public record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
    public boolean is(int code) {
      return status == code;
    }
  }

  /** Sends a call with retries and waits for it; an interrupt ends the wait (the call may still take effect). */
  public Response send(Call call) throws InterruptedException {
    try {
      return sendAsync(call, settings.retry()).get();
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  /** {@link #send} for a caller that cannot be interrupted mid-call: an interrupt is kept for later. */
  public Response sendUninterruptibly(Call call) {
    try {
      return sendAsync(call, settings.retry()).join();
    } catch (CompletionException e) {
      throw unwrap(e.getCause());
    }
  }

  /** Sends a call with the given retries; the future fails with a {@link SuiteException}. */
  public CompletableFuture<Response> sendAsync(Call call, RetryPolicy retry) {
    return attempt(call, retry, 1);
  }

  private CompletableFuture<Response> attempt(Call call, RetryPolicy retry, int attempt) {
    Duration timeout = call.timeout() == null ? settings.requestTimeout() : call.timeout();
    HttpRequest request = request(call, timeout);
    // HttpRequest.timeout bounds the wait for the headers; orTimeout also bounds a body that trickles.
    CompletableFuture<Response> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
        .thenApply(r -> new Response(r.statusCode(), r.headers(), r.body()));
    return sent.handle((response, failure) -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      boolean more = attempt < retry.maxAttempts();
      if (cause != null) {
        boolean notSent = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException;
        if (more && (notSent || call.repeat() == Repeat.SAFE)) {
          return later(call, retry, attempt, null);
        }
        return CompletableFuture.<Response>failedFuture(unreachable(call, cause));
      }
      if (more && TRANSIENT.contains(response.status()) && (call.repeat() == Repeat.SAFE || notCarriedOut(response))) {
        return later(call, retry, attempt, retryAfter(response));
      }
      return CompletableFuture.completedFuture(response);
    }).thenCompose(f -> f);
  }

  /**
   * 429, 502 and 503 mean the call was not carried out (a rate limit, no route, a store or leader missing), except
   * the 503s for a write whose outcome is unknown (consensus-service's, event-service's publish without a confirm);
   * a 504 may have been carried out.
   */
  private static boolean notCarriedOut(Response response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    // event-service's publish-not-confirmed: the broker may still hold the event; a repeat would publish it twice.
    return response.status() != 504 && !body.contains("/problems/not-committed-in-time")
        && !body.contains("/problems/publish-not-confirmed");
  }

  private CompletableFuture<Response> later(Call call, RetryPolicy retry, int attempt, Duration retryAfter) {
    Duration wait = retry.backoff(attempt, retryAfter);
    return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS))
        .thenCompose(ignored -> attempt(call, retry, attempt + 1));
  }

  /**
   * Opens a long-lived GET (Server-Sent Events): {@code timeout} bounds the wait for the answer's headers only; the
   * caller reads the body as long as it lasts and closes it. No retries: the caller reconnects by its own rules.
   */
  public HttpResponse<java.io.InputStream> openStream(String path, java.util.Map<String, String> headers, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base() + path)).timeout(timeout).GET();
    if (settings.apiKey() != null) {
      builder.header("X-API-Key", settings.apiKey());
    }
    headers.forEach(builder::header);
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** An answer read in full from a stream that was not the expected 200, for {@link #problem}. */
  public static Response drained(HttpResponse<java.io.InputStream> response) throws IOException {
    try (java.io.InputStream body = response.body()) {
      return new Response(response.statusCode(), response.headers(), body.readNBytes(64 * 1024));
    }
  }

  private HttpRequest request(Call call, Duration timeout) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base() + call.path()))
        .timeout(timeout)
        .header("Accept", "application/json, " + PROBLEM_JSON);
    if (settings.apiKey() != null) {
      builder.header("X-API-Key", settings.apiKey());
    }
    if (call.body() == null) {
      builder.method(call.method(), HttpRequest.BodyPublishers.noBody());
    } else {
      byte[] bytes = call.body() instanceof byte[] raw ? raw : json.writeValueAsBytes(call.body());
      builder.header("Content-Type", "application/json").method(call.method(), HttpRequest.BodyPublishers.ofByteArray(bytes));
    }
    return builder.build();
  }

  private String base() {
    String url = settings.url().toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private SuiteUnreachableException unreachable(Call call, Throwable cause) {
    boolean timedOut = cause instanceof HttpTimeoutException || cause instanceof TimeoutException;
    String what = timedOut ? "no answer in time" : "no connection (" + cause + ")";
    return new SuiteUnreachableException(call.method() + " " + call.path() + ": " + what, timedOut, cause);
  }

  /** The answer if its status is one of {@code expected}, else its problem as an exception. */
  public Response expect(Response response, int... expected) {
    for (int code : expected) {
      if (response.status() == code) {
        return response;
      }
    }
    throw problem(response);
  }

  public <T> T read(Response response, Class<T> type) {
    return json.readValue(response.body(), type);
  }

  /** The problem an error answer carries; a body that is not one still gives the status and a title. */
  public ProblemException problem(Response response) {
    String title = "HTTP " + response.status();
    String detail = null;
    URI type = URI.create("about:blank");
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (response.body().length > 0 && (contentType.startsWith(PROBLEM_JSON) || contentType.startsWith("application/json"))) {
      try {
        JsonNode problem = json.readTree(response.body());
        title = text(problem, "title", title);
        detail = text(problem, "detail", null);
        type = URI.create(text(problem, "type", "about:blank"));
      } catch (RuntimeException notAProblem) {
        detail = new String(response.body(), StandardCharsets.UTF_8);
      }
    }
    return ProblemException.of(response.status(), type, title, detail, retryAfter(response));
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? fallback : value.asString();
  }

  private static Duration retryAfter(Response response) {
    return response.headers().firstValue("Retry-After").flatMap(value -> {
      try {
        return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
      } catch (NumberFormatException httpDate) {
        return java.util.Optional.empty();
      }
    }).orElse(null);
  }

  /** One path segment, percent-encoded ({@code /} included), for names and keys of any text. */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static RuntimeException unwrap(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof IOException io) {
      return new SuiteUnreachableException(io.toString(), false, io);
    }
    return new SuiteException(String.valueOf(cause), cause);
  }

  static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
