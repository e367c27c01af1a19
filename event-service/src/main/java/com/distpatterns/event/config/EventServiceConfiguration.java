package com.distpatterns.event.config;

import com.distpatterns.event.core.DeliveryCounters;
import com.distpatterns.event.core.EventPublishing;
import com.distpatterns.event.core.LiveStreamLimits;
import com.distpatterns.event.core.LiveStreams;
import com.distpatterns.event.core.RetrySchedule;
import com.distpatterns.event.core.SubscriptionStore;
import com.distpatterns.event.core.Subscriptions;
import com.distpatterns.event.core.WebhookDelivery;
import com.distpatterns.platform.outbound.OutboundUrlPolicy;
import com.distpatterns.platform.outbound.HostResolver;
import com.distpatterns.event.infra.EnvelopeReader;
import com.distpatterns.event.infra.JdkWebhookClient;
import com.distpatterns.event.infra.LiveStreamsLifecycle;
import com.distpatterns.event.infra.RabbitEventPublisher;
import com.distpatterns.event.infra.RabbitLiveFeed;
import com.distpatterns.event.infra.RabbitSubscriptionQueues;
import com.distpatterns.event.infra.RedisSubscriptionStore;
import com.distpatterns.event.infra.SubscriptionQueueNames;
import com.distpatterns.event.infra.SubscriptionSupervisor;
import com.distpatterns.event.infra.WebhookListeners;
import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.platform.messaging.BrokerAddresses;
import com.distpatterns.platform.messaging.ConfirmedPublisher;
import com.distpatterns.platform.tracing.TracePropagation;
import com.rabbitmq.client.BuiltinExchangeType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wires the event service: core logic, RabbitMQ and Redis adapters, webhook client. */
@Configuration(proxyBeanMethods = false)
public class EventServiceConfiguration {

    /** Channels publishing side by side: each serialises its publishes, the broker confirms them in batches. */
    private static final int PUBLISHING_CHANNELS = 8;

    /** The exchange every publisher and subscriber of the suite shares: durable topic, no arguments. */
    @Bean
    TopicExchange eventsExchange(EventServiceProperties properties) {
        return new TopicExchange(properties.exchange(), true, false);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CloudEventMessages cloudEventMessages(JsonMapper json) {
        return new CloudEventMessages(json);
    }

    @Bean
    EnvelopeReader envelopeReader(CloudEventMessages messages) {
        return new EnvelopeReader(messages);
    }

    /** Publishes with confirms on a connection of its own; declares the exchange whenever it (re)connects. */
    @Bean
    ConfirmedPublisher confirmedPublisher(CachingConnectionFactory connectionFactory, RabbitConnectionDetails broker,
            EventServiceProperties properties, TracePropagation trace) {
        return new ConfirmedPublisher(connectionFactory.getRabbitConnectionFactory(), BrokerAddresses.of(broker),
                "event-service publisher", properties.confirmTimeout(), PUBLISHING_CHANNELS,
                channel -> channel.exchangeDeclare(properties.exchange(), BuiltinExchangeType.TOPIC, true, false,
                        Map.of()),
                trace);
    }

    @Bean
    EventPublishing eventPublishing(ConfirmedPublisher publisher, CloudEventMessages messages,
            EventServiceProperties properties, Clock clock) {
        return new EventPublishing(new RabbitEventPublisher(publisher, messages, properties.exchange()),
                properties.source(),
                clock);
    }

    @Bean
    LiveStreams liveStreams(ConnectionFactory connectionFactory, EnvelopeReader envelopes,
            EventServiceProperties properties, MeterRegistry meters) {
        EventServiceProperties.Stream stream = properties.stream();
        RabbitLiveFeed feed = new RabbitLiveFeed(connectionFactory, envelopes, properties.exchange(),
                stream.queuePrefix(),
                stream.prefetch());
        LiveStreams streams = new LiveStreams(feed, new LiveStreamLimits(stream.maxClients(), stream.bufferEvents(),
                stream.bufferSize().toBytes(), stream.totalBufferSize().toBytes(), stream.heartbeat()));
        Gauge.builder("events.stream.open", streams, LiveStreams::openStreams)
                .description("Live SSE streams open on this instance").register(meters);
        Gauge.builder("events.stream.buffered", streams, LiveStreams::bufferedBytes).baseUnit("bytes")
                .description("Event bytes held in memory for live stream clients").register(meters);
        Gauge.builder("events.stream.buffer.high.water", streams, LiveStreams::highWaterBytes).baseUnit("bytes")
                .description("The most event bytes one live stream client's buffer has held").register(meters);
        FunctionCounter.builder("events.stream.cut.offs", streams, LiveStreams::cutOffs)
                .description("Live stream clients cut off for reading too slowly").register(meters);
        return streams;
    }

    @Bean
    LiveStreamsLifecycle liveStreamsLifecycle(LiveStreams streams) {
        return new LiveStreamsLifecycle(streams);
    }

    @Bean
    OutboundUrlPolicy webhookUrlPolicy(EventServiceProperties properties) {
        EventServiceProperties.Webhooks webhooks = properties.webhooks();
        return new OutboundUrlPolicy(webhooks.allowedHosts(), webhooks.allowPrivateNetworks(), HostResolver.system(),
                "webhookUrl", "events.webhooks.allowed-hosts");
    }

    @Bean
    JdkWebhookClient webhookClient(EventServiceProperties properties, TracePropagation trace) {
        return new JdkWebhookClient(properties.webhooks().connectTimeout(), properties.webhooks().requestTimeout(),
                trace);
    }

    @Bean
    RetrySchedule retrySchedule(EventServiceProperties properties) {
        EventServiceProperties.Retry retry = properties.webhooks().retry();
        return new RetrySchedule(retry.maxAttempts(), retry.initialDelay(), retry.multiplier(), retry.maxDelay());
    }

    @Bean
    DeliveryCounters deliveryCounters() {
        return new DeliveryCounters();
    }

    @Bean
    SubscriptionQueueNames subscriptionQueueNames(EventServiceProperties properties) {
        return new SubscriptionQueueNames(properties.subscriptions().queuePrefix());
    }

    @Bean
    WebhookListeners webhookListeners(ConnectionFactory connectionFactory, SubscriptionQueueNames names,
            JdkWebhookClient client, OutboundUrlPolicy policy, RetrySchedule retries, DeliveryCounters counters,
            ConfirmedPublisher publisher, EnvelopeReader envelopes, EventServiceProperties properties, Clock clock,
            MeterRegistry meters, TracePropagation trace, SubscriptionStore store) {
        EventServiceProperties.Subscriptions subscriptions = properties.subscriptions();
        WebhookDelivery delivery = new WebhookDelivery(client, policy, retries, counters, clock);
        return new WebhookListeners(connectionFactory, names, delivery, publisher, envelopes,
                new WebhookListeners.Settings(
                        subscriptions.consumers(), subscriptions.prefetch(),
                        subscriptions.recoveryInterval().toMillis(),
                        properties.webhooks().requestTimeout().toMillis() + 1_000),
                meters, trace, store, clock);
    }

    @Bean
    SubscriptionStore subscriptionStore(StringRedisTemplate redis, JsonMapper json, EventServiceProperties properties) {
        return new RedisSubscriptionStore(redis, json, properties.subscriptions().keyPrefix());
    }

    @Bean
    Subscriptions subscriptions(SubscriptionStore store, AmqpAdmin admin, SubscriptionQueueNames names,
            RetrySchedule retries, WebhookListeners listeners, DeliveryCounters counters, OutboundUrlPolicy policy,
            EventServiceProperties properties, Clock clock) {
        return new Subscriptions(
                store,
                new RabbitSubscriptionQueues(admin, names, retries, properties.exchange()),
                listeners, counters, policy, new SecureRandom(), clock);
    }

    @Bean
    SubscriptionSupervisor subscriptionSupervisor(Subscriptions subscriptions, WebhookListeners listeners,
            EventServiceProperties properties) {
        return new SubscriptionSupervisor(subscriptions, listeners, properties.subscriptions().reconcileInterval());
    }
}
