package com.distpatterns.event.infra;

import com.distpatterns.event.core.WebhookClient;
import com.distpatterns.event.core.WebhookResponse;
import com.distpatterns.platform.tracing.TracePropagation;
import java.io.IOException;
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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Webhook calls with the JDK's HTTP client: HTTP/1.1, redirects never followed (a redirect is a failed attempt,
 * so the allow-list cannot be sidestepped), and the whole exchange, body included, bounded by the request timeout.
 */
public final class JdkWebhookClient implements WebhookClient, AutoCloseable {

    private final HttpClient http;
    private final Duration requestTimeout;
    private final TracePropagation trace;

    /** @param trace passes the event's trace on to the receiver ({@code traceparent}) */
    public JdkWebhookClient(Duration connectTimeout, Duration requestTimeout, TracePropagation trace) {
        this.requestTimeout = requestTimeout;
        this.trace = trace;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    @Override
    public WebhookResponse post(URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("User-Agent", "event-service")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        trace.inject(request);
        CompletableFuture<HttpResponse<Void>> call = http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.discarding());
        try {
            return new WebhookResponse.Answered(
                    call.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).statusCode());
        } catch (TimeoutException e) {
            call.cancel(true);
            return new WebhookResponse.Unanswered("no complete answer within " + requestTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return new WebhookResponse.Unanswered("interrupted");
        } catch (ExecutionException e) {
            return new WebhookResponse.Unanswered(describe(e.getCause()));
        }
    }

    /** Abandons calls still in flight: their events stay unacknowledged and are delivered again. */
    @Override
    public void close() {
        http.shutdownNow();
    }

    private String describe(Throwable failure) {
        return switch (failure) {
            case HttpConnectTimeoutException t -> "could not connect in time";
            case HttpTimeoutException t -> "no answer within " + requestTimeout.toMillis() + " ms";
            case ConnectException c -> "connection refused";
            case IOException io ->
                "I/O error: " + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage());
            default -> failure.getClass().getSimpleName();
        };
    }
}
