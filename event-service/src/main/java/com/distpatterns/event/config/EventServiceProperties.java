package com.distpatterns.event.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The event service's settings (defaults in {@code application.yml}). RabbitMQ and Redis themselves are configured
 * through the standard {@code spring.rabbitmq.*} and {@code spring.data.redis.*}.
 *
 * @param exchange the durable topic exchange events are published to and subscriptions bind to
 * @param source the CloudEvents {@code source} of events published through this service
 * @param maxEventSize the largest JSON body a client may publish
 * @param confirmTimeout how long a publish waits for the broker's confirmation before answering 503
 * @param stream live Server-Sent Events streams
 * @param subscriptions durable subscriptions
 * @param webhooks webhook calls
 */
@Validated
@ConfigurationProperties("events")
public record EventServiceProperties(
        @NotBlank String exchange,
        @NotBlank String source,
        @NotNull DataSize maxEventSize,
        @NotNull Duration confirmTimeout,
        @Valid @NotNull Stream stream,
        @Valid @NotNull Subscriptions subscriptions,
        @Valid @NotNull Webhooks webhooks) {

    /**
     * @param heartbeat how often a stream sends a heartbeat comment
     * @param reconnectDelay the {@code retry:} a stream announces: how soon an EventSource reconnects
     * @param bufferEvents events held in memory for one client at most before it is cut off
     * @param bufferSize bytes held in memory for one client at most before it is cut off
     * @param prefetch unacknowledged messages the broker may push to one stream's consumer
     * @param maxClients streams one instance serves at most
     * @param queuePrefix what each stream's exclusive queue is named with
     */
    public record Stream(
            @NotNull Duration heartbeat,
            @NotNull Duration reconnectDelay,
            @Positive int bufferEvents,
            @NotNull DataSize bufferSize,
            @NotNull DataSize totalBufferSize,
            @Positive int prefetch,
            @Positive int maxClients,
            @NotBlank String queuePrefix) {}

    /**
     * @param queuePrefix a subscription's queue is this followed by its name
     * @param keyPrefix what the Redis keys holding definitions and counters start with (with one {hash tag}, so that they
     *     share a Redis Cluster slot)
     * @param reconcileInterval how often an instance picks up subscriptions created or deleted elsewhere
     * @param consumers concurrent deliveries per subscription on one instance
     * @param prefetch unacknowledged messages per delivery consumer
     * @param recoveryInterval how soon a delivery consumer tries again after losing the broker
     */
    public record Subscriptions(
            @NotBlank String queuePrefix,
            @NotBlank @Pattern(regexp = "[^{}]*\\{[^{}]+}[^{}]*",
                    message = "must hold one {hash tag}: one script touches several of these keys, which must share a Redis Cluster slot") String keyPrefix,
            @NotNull Duration reconcileInterval,
            @Positive int consumers,
            @Positive int prefetch,
            @NotNull Duration recoveryInterval) {}

    /**
     * @param allowedHosts host names (or {@code *.domain}, or IP addresses) webhooks may point at; {@code *} for any
     * @param allowPrivateNetworks whether an allowed host name may resolve to a loopback or private address
     * @param connectTimeout how long a webhook call may take to connect
     * @param requestTimeout how long a webhook call may take in all
     * @param retry when failed deliveries are retried
     */
    public record Webhooks(
            @NotNull List<String> allowedHosts,
            boolean allowPrivateNetworks,
            @NotNull Duration connectTimeout,
            @NotNull Duration requestTimeout,
            @Valid @NotNull Retry retry) {}

    /**
     * @param maxAttempts deliveries attempted in all before the event is dead-lettered
     * @param initialDelay the wait after the first failure
     * @param multiplier how much longer each following wait is
     * @param maxDelay the longest wait
     */
    public record Retry(
            @Min(1) int maxAttempts,
            @NotNull Duration initialDelay,
            @DecimalMin("1.0") double multiplier,
            @NotNull Duration maxDelay) {}
}
