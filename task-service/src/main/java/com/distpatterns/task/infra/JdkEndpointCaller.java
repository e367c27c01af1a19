package com.distpatterns.task.infra;

import com.distpatterns.platform.tracing.TracePropagation;
import com.distpatterns.task.core.EndpointCaller;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls of http-mode task types with the JDK's HTTP client: redirects never followed (a redirect is a failed
 * attempt, so the allow-list cannot be sidestepped), the whole exchange bounded by the type's timeout, and the
 * answer read up to {@code maxBody} bytes (a larger one is a failed attempt, not a worker out of memory).
 */
public final class JdkEndpointCaller implements EndpointCaller, AutoCloseable {

    private final HttpClient http;
    private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
    private final int maxBody;
    private final TracePropagation trace;

    /** @param trace passes the task's trace on to the endpoint ({@code traceparent}) */
    public JdkEndpointCaller(Duration connectTimeout, int maxBody, TracePropagation trace) {
        this.maxBody = maxBody;
        this.trace = trace;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    @Override
    public Outcome post(URI url, Map<String, String> headers, byte[] body, Duration timeout)
            throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("User-Agent", "task-service")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        trace.inject(request);
        CompletableFuture<HttpResponse<InputStream>> call = http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            HttpResponse<InputStream> response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            try (InputStream in = response.body()) {
                // The body may still trickle in; the caller's timeout covers it too (HttpRequest.timeout ends at headers).
                CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readBounded(in), readers);
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                try {
                    return new Outcome.Answered(response.statusCode(), read.get(left, TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    read.cancel(true);
                    return new Outcome.Unanswered("no complete answer within " + timeout.toMillis() + " ms");
                } catch (ExecutionException e) {
                    return new Outcome.Unanswered(describe(e.getCause(), timeout));
                }
            }
        } catch (TimeoutException e) {
            call.cancel(true);
            return new Outcome.Unanswered("no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            return new Outcome.Unanswered(describe(e.getCause(), timeout));
        } catch (IOException e) {
            return new Outcome.Unanswered(describe(e, timeout));
        }
    }

    private byte[] readBounded(InputStream in) {
        try {
            byte[] body = in.readNBytes(maxBody + 1);
            if (body.length > maxBody) {
                throw new IllegalStateException("answer larger than " + maxBody + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
        readers.shutdownNow();
    }

    private static String describe(Throwable failure, Duration timeout) {
        Throwable cause = failure instanceof UncheckedIOException u ? u.getCause() : failure;
        return switch (cause) {
            case HttpConnectTimeoutException t -> "could not connect in time";
            case HttpTimeoutException t -> "no answer within " + timeout.toMillis() + " ms";
            case ConnectException c -> "connection refused";
            case IOException io ->
                "I/O error: " + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage());
            case IllegalStateException s -> s.getMessage();
            default -> cause.getClass().getSimpleName();
        };
    }
}
