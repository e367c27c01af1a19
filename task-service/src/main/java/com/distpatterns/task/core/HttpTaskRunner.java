package com.distpatterns.task.core;

import com.distpatterns.platform.outbound.OutboundUrlPolicy;
import com.distpatterns.platform.outbound.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * One attempt of an http-mode task: POSTs the task's args to the type's endpoint, signed as event-service signs
 * its webhooks, with at most the type's {@code concurrency} calls in flight in this worker, and says what the
 * answer means: 2xx is the result, a 4xx other than 408 and 429 is the handler refusing the task (no retry),
 * anything else (5xx, 408, 429, timeouts, refused or reset connections, a body that is not JSON) may be retried.
 */
public final class HttpTaskRunner {

    /** What one attempt came to. */
    public sealed interface Result {
        record Succeeded(Object result) implements Result {}

        record Retryable(String error) implements Result {}

        record Refused(String error) implements Result {}
    }

    public static final int ERROR_BODY_BYTES = 1024;

    private record Gate(int permits, Semaphore semaphore) {}

    private final EndpointCaller caller;
    private final OutboundUrlPolicy urlPolicy;
    private final Function<Object, String> toJson;
    private final Function<String, Object> fromJson;
    private final Clock clock;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    /** @param fromJson reads JSON text into maps, lists and scalars; throws on text that is not JSON */
    public HttpTaskRunner(EndpointCaller caller, OutboundUrlPolicy urlPolicy, Function<Object, String> toJson,
            Function<String, Object> fromJson, Clock clock) {
        this.caller = caller;
        this.urlPolicy = urlPolicy;
        this.toJson = toJson;
        this.fromJson = fromJson;
        this.clock = clock;
    }

    public Result run(RegisteredType type, TaskMessage message, int attempt) throws InterruptedException {
        // DNS answers change: a host that resolved to public addresses at registration may not any more.
        Optional<String> refusal = urlPolicy.refusal(type.url());
        if (refusal.isPresent()) {
            return new Result.Retryable("endpoint not called: " + refusal.get());
        }
        byte[] body = toJson.apply(message.args()).getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = Map.of(
                "Task-Id", message.id(),
                "Task-Type", message.type(),
                "Task-Attempt", Integer.toString(attempt),
                "webhook-id", message.id(),
                "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", WebhookSignature.sign(type.secret(), message.id(), timestamp, body));
        Semaphore gate = gate(type);
        gate.acquire();
        EndpointCaller.Outcome outcome;
        try {
            outcome = caller.post(type.url(), headers, body, type.timeout());
        } finally {
            gate.release();
        }
        return switch (outcome) {
            case EndpointCaller.Outcome.Unanswered u -> new Result.Retryable(u.reason());
            case EndpointCaller.Outcome.Answered a when a.status() >= 200 && a.status() < 300 -> parse(a.body());
            case EndpointCaller.Outcome.Answered a when a.status() >= 400 && a.status() < 500 && a.status() != 408
                    && a.status() != 429 ->
                new Result.Refused(describe(a));
            case EndpointCaller.Outcome.Answered a -> new Result.Retryable(describe(a));
        };
    }

    private Result parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return new Result.Succeeded(null);
        }
        try {
            return new Result.Succeeded(fromJson.apply(text));
        } catch (RuntimeException e) {
            return new Result.Retryable("the endpoint answered 2xx with a body that is not JSON: " + head(body));
        }
    }

    /** One semaphore per type and concurrency: a changed concurrency takes effect for the calls that follow. */
    private Semaphore gate(RegisteredType type) {
        return gates.compute(type.name(), (name, gate) -> gate != null && gate.permits() == type.concurrency()
                ? gate
                : new Gate(type.concurrency(), new Semaphore(type.concurrency()))).semaphore();
    }

    private static String describe(EndpointCaller.Outcome.Answered answer) {
        return "HTTP " + answer.status() + (answer.body().length == 0 ? "" : ": " + head(answer.body()));
    }

    private static String head(byte[] body) {
        int length = Math.min(body.length, ERROR_BODY_BYTES);
        return new String(body, 0, length, StandardCharsets.UTF_8);
    }
}
