package com.distpatterns.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way the client talks to the suite: JSON over HTTP/1.1 ({@link Http1}: blocking keep-alive connections,
 * the call made on the caller's thread), the API key, a time bound on every call, retries of transient failures,
 * and error answers turned into {@link ProblemException}s. Public only so that the Spring Boot starter can share
 * it; not an API of its own.
 */
public final class Transport implements AutoCloseable {

    /** Statuses worth another attempt: the request did not do anything, or the suite says "later". */
    private static final Set<Integer> TRANSIENT = Set.of(429, 502, 503, 504);
    private static final String PROBLEM_JSON = "application/problem+json";

    private final ClientSettings settings;
    private final Http1 http;
    private final JsonMapper json;
    /** Runs {@link #sendAsync} calls only: the blocking {@link #sendUninterruptibly} needs no other thread. */
    private final ExecutorService executor;
    /** The URL's path without its last {@code /}, put before every call's path. */
    private final String basePath;
    /** The headers every request carries, one line each, computed once. */
    private final String commonHeaders;

    Transport(ClientSettings settings) {
        this.settings = settings;
        // Our own executor (daemon threads), so that close() ends the client's threads.
        this.executor = Executors.newCachedThreadPool(daemon("distpatterns-http"));
        this.http = new Http1(settings.url(), (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
        // The suite's answers may gain fields; a client built today must keep reading them.
        this.json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        URI url = settings.url();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        boolean defaultPort = url.getPort() < 0 || url.getPort() == ("https".equals(url.getScheme()) ? 443 : 80);
        this.commonHeaders = "Host: " + url.getHost() + (defaultPort ? "" : ":" + url.getPort()) + "\r\n"
                + "User-Agent: distpatterns-client\r\n"
                + (settings.apiKey() == null ? "" : "X-API-Key: " + settings.apiKey() + "\r\n");
    }

    public ClientSettings settings() {
        return settings;
    }

    public JsonMapper json() {
        return json;
    }

    /** Whether a call may be sent again after it may have reached the suite. */
    public enum Repeat {
        SAFE, ONLY_IF_NOT_SENT
    }

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

    /** One header of an answer. */
    public record Header(String name, String value) {
        boolean is(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    /** An answer with any status: the caller decides which it expects ({@link #expect}). */
    public record Response(int status, List<Header> headers, byte[] body) {
        public boolean is(int code) {
            return status == code;
        }

        /** The first value of a header (names compared ignoring case). */
        public Optional<String> header(String name) {
            for (Header header : headers) {
                if (header.is(name)) {
                    return Optional.of(header.value());
                }
            }
            return Optional.empty();
        }
    }

    /** An answer whose body is read as it comes ({@link #openStream}); closing it closes its connection. */
    public record Stream(int status, List<Header> headers, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /**
     * Sends a call with retries and waits for it; an interrupt ends the wait (the call may still take effect, on a
     * thread of the client's).
     */
    public Response send(Call call) throws InterruptedException {
        try {
            return sendAsync(call, settings.retry()).get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /**
     * Sends a call with retries on the calling thread and returns its answer: the common way, no other thread
     * involved. An interrupt does not end it (it is kept for later); the call's time bound does.
     */
    public Response sendUninterruptibly(Call call) {
        byte[] body = body(call);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return exchange(call, body, settings.retry(), false);
                } catch (InterruptedException cannotHappen) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends a call with the given retries on a thread of the client's, for a caller that must be able to stop
     * waiting (an interruptible lock) or must not block (the watchdog); the future fails with a
     * {@link SuiteException}.
     */
    public CompletableFuture<Response> sendAsync(Call call, RetryPolicy retry) {
        byte[] body = body(call);
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return exchange(call, body, retry, true);
                } catch (InterruptedException closing) {
                    throw new SuiteException(call.method() + " " + call.path() + ": the client was closed", closing);
                }
            }, executor);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(new SuiteException("the client is closed", closed));
        }
    }

    /**
     * The call's attempts, each bounded by the call's timeout. A request that certainly did not reach the suite (no
     * connection) is tried again whatever it is; one that may have reached it only if it is {@link Repeat#SAFE};
     * transient statuses as {@link #notCarriedOut} says.
     */
    private Response exchange(Call call, byte[] body, RetryPolicy retry, boolean interruptible)
            throws InterruptedException {
        Duration timeout = call.timeout() == null ? settings.requestTimeout() : call.timeout();
        byte[] head = head(call.method(), call.path(), body, "Accept: application/json, " + PROBLEM_JSON + "\r\n");
        for (int attempt = 1;; attempt++) {
            boolean more = attempt < retry.maxAttempts();
            Response response;
            try {
                response = http.exchange(head, body, System.nanoTime() + timeout.toNanos());
            } catch (Http1.NotSentException notSent) {
                if (!more) {
                    throw unreachable(call, notSent.getCause());
                }
                pause(retry.backoff(attempt, null), interruptible);
                continue;
            } catch (IOException mayHaveBeenSent) {
                if (!more || call.repeat() != Repeat.SAFE) {
                    throw unreachable(call, mayHaveBeenSent);
                }
                pause(retry.backoff(attempt, null), interruptible);
                continue;
            }
            if (more && TRANSIENT.contains(response.status())
                    && (call.repeat() == Repeat.SAFE || notCarriedOut(response))) {
                pause(retry.backoff(attempt, retryAfter(response)), interruptible);
                continue;
            }
            return response;
        }
    }

    /** Waits out a backoff; an uninterruptible wait keeps an interrupt for later. */
    private static void pause(Duration wait, boolean interruptible) throws InterruptedException {
        if (interruptible) {
            Thread.sleep(wait.toMillis());
            return;
        }
        long end = System.nanoTime() + wait.toNanos();
        boolean interrupted = false;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] body(Call call) {
        if (call.body() == null) {
            return null;
        }
        return call.body() instanceof byte[] raw ? raw : json.writeValueAsBytes(call.body());
    }

    /** The request line and headers; a body is JSON. */
    private byte[] head(String method, String path, byte[] body, String headers) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(basePath).append(path)
                .append(" HTTP/1.1\r\n").append(commonHeaders).append(headers);
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        } else if (!method.equals("GET")) {
            head.append("Content-Length: 0\r\n");
        }
        return Http1.ascii(head.append("\r\n").toString());
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

    /**
     * Opens a long-lived GET (Server-Sent Events) on a connection of its own: {@code timeout} bounds the wait for the
     * answer's headers only; the caller reads the body as long as it lasts and closes it. No retries: the caller
     * reconnects by its own rules.
     */
    public Stream openStream(String path, Map<String, String> headers, Duration timeout) throws IOException {
        StringBuilder lines = new StringBuilder();
        headers.forEach((name, value) -> lines.append(name).append(": ").append(value).append("\r\n"));
        Http1.Streamed answer = http.open(head("GET", path, null, lines.toString()),
                System.nanoTime() + timeout.toNanos());
        return new Stream(answer.status(), answer.headers(), answer.body());
    }

    /** An answer read in full from a stream that was not the expected 200, for {@link #problem}. */
    public static Response drained(Stream stream) throws IOException {
        try (InputStream body = stream.body()) {
            return new Response(stream.status(), stream.headers(), body.readNBytes(64 * 1024));
        }
    }

    private SuiteUnreachableException unreachable(Call call, Throwable cause) {
        boolean timedOut = cause instanceof SocketTimeoutException;
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
        String contentType = response.header("Content-Type").orElse("");
        if (response.body().length > 0
                && (contentType.startsWith(PROBLEM_JSON) || contentType.startsWith("application/json"))) {
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
        return response.header("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
            } catch (NumberFormatException httpDate) {
                return Optional.empty();
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
        http.close();
    }
}
