package com.distpatterns.event.infra;

import com.distpatterns.event.core.DeliveryFailure;
import com.distpatterns.event.core.DeliveryOutcome;
import com.distpatterns.event.core.InboundEvent;
import com.distpatterns.event.core.Subscription;
import com.distpatterns.event.core.SubscriptionDeliveries;
import com.distpatterns.event.core.SubscriptionName;
import com.distpatterns.event.core.SubscriptionStore;
import com.distpatterns.event.core.WebhookDelivery;
import com.distpatterns.platform.messaging.ConfirmedPublisher;
import com.distpatterns.platform.tracing.TracePropagation;
import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.MessagePropertiesBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * One listener container per subscription, each with its own consumers and threads, so a slow or failing webhook
 * holds up only its own subscription. A message is acknowledged only after its webhook answered 2xx, or after it
 * was safely (confirmed) moved to a retry queue or the dead-letter queue: delivery is at least once.
 */
public final class WebhookListeners implements SubscriptionDeliveries {

    /** Our own attempt counter: RabbitMQ 4 ignores an {@code x-death} set by clients. */
    public static final String ATTEMPT_HEADER = "webhook-attempt";
    public static final String FAILURE_HEADER = "webhook-failure";

    private static final Logger log = LoggerFactory.getLogger(WebhookListeners.class);

    /** How this class consumes: the settings every subscription's container gets. */
    public record Settings(int consumers, int prefetch, long recoveryIntervalMillis, long shutdownTimeoutMillis) {}

    private final ConnectionFactory connectionFactory;
    private final SubscriptionQueueNames names;
    private final WebhookDelivery delivery;
    private final ConfirmedPublisher publisher;
    private final EnvelopeReader envelopes;
    private final Settings settings;
    private final TracePropagation trace;
    private final SubscriptionStore store;
    private final Clock clock;
    private final Counter delivered;
    private final Counter retried;
    private final Counter deadLettered;
    private final Map<SubscriptionName, Attached> attached = new HashMap<>();
    /** A lock rather than {@code synchronized}: starting a container blocks, and must not pin a virtual thread. */
    private final ReentrantLock lock = new ReentrantLock();

    public WebhookListeners(ConnectionFactory connectionFactory, SubscriptionQueueNames names, WebhookDelivery delivery,
            ConfirmedPublisher publisher, EnvelopeReader envelopes, Settings settings, MeterRegistry meters,
            TracePropagation trace, SubscriptionStore store, Clock clock) {
        this.connectionFactory = connectionFactory;
        this.names = names;
        this.delivery = delivery;
        this.publisher = publisher;
        this.envelopes = envelopes;
        this.settings = settings;
        this.trace = trace;
        this.store = store;
        this.clock = clock;
        // Registered up front, so a dashboard and an alert see 0 rather than no series before the first failure.
        this.delivered = outcomeCounter(meters, "delivered");
        this.retried = outcomeCounter(meters, "retry");
        this.deadLettered = outcomeCounter(meters, "dead_letter");
    }

    private static Counter outcomeCounter(MeterRegistry meters, String outcome) {
        return Counter.builder("events.webhook.deliveries").tag("outcome", outcome)
                .description("Webhook delivery attempts by what became of them").register(meters);
    }

    private record Attached(SimpleMessageListenerContainer container, AtomicReference<Subscription> definition) {}

    @Override
    public boolean isRunning(SubscriptionName name) {
        lock.lock();
        try {
            Attached current = attached.get(name);
            return current != null && current.container().isRunning();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void attach(Subscription subscription) {
        lock.lock();
        try {
            Attached current = attached.get(subscription.name());
            if (current != null && current.container().isRunning()) {
                current.definition().set(subscription);
                return;
            }
            if (current != null) {
                // It stopped by itself (its queue vanished): start over with a fresh container.
                current.container().destroy();
            }
            AtomicReference<Subscription> definition = new AtomicReference<>(subscription);
            SimpleMessageListenerContainer container = container(subscription.name(), definition);
            attached.put(subscription.name(), new Attached(container, definition));
            container.start();
            log.info("Delivering subscription {} from queue {}{}", subscription.name(), names.main(subscription.name()),
                    current == null ? "" : " again (its consumer had stopped)");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> detach(SubscriptionName name) {
        Attached removed;
        lock.lock();
        try {
            removed = attached.remove(name);
        } finally {
            lock.unlock();
        }
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        if (removed == null) {
            stopped.complete(null);
            return stopped;
        }
        Thread.ofVirtual().name("detach-" + name).start(() -> {
            try {
                removed.container().stop();
                removed.container().destroy();
            } finally {
                stopped.complete(null);
            }
        });
        return stopped;
    }

    @Override
    public Set<SubscriptionName> attached() {
        lock.lock();
        try {
            return Set.copyOf(attached.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Stops every container at once, waiting for deliveries in flight; unacknowledged messages stay queued. */
    public void detachAll() {
        List<SimpleMessageListenerContainer> containers = new ArrayList<>();
        lock.lock();
        try {
            attached.values().forEach(a -> containers.add(a.container()));
            attached.clear();
        } finally {
            lock.unlock();
        }
        List<Thread> stopping = containers.stream()
                .map(container -> Thread.ofVirtual().start(() -> {
                    container.stop();
                    container.destroy();
                }))
                .toList();
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private SimpleMessageListenerContainer container(SubscriptionName name, AtomicReference<Subscription> definition) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(names.main(name));
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setConcurrentConsumers(settings.consumers());
        container.setPrefetchCount(settings.prefetch());
        container.setRecoveryInterval(settings.recoveryIntervalMillis());
        container.setShutdownTimeout(settings.shutdownTimeoutMillis());
        container.setAutoDeclare(false);
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("webhook-" + name + "-");
        executor.setVirtualThreads(true);
        container.setTaskExecutor(executor);
        // Each delivery continues the trace of whoever published the event; the webhook call carries it on.
        container.setMessageListener(trace.continuing("webhook delivery",
                (message, channel) -> deliver(definition.get(), message, channel)));
        container.afterPropertiesSet();
        return container;
    }

    private void deliver(Subscription subscription, Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        try {
            deliverOnce(subscription, message);
        } catch (RuntimeException e) {
            // Not moved on: it goes back to the queue and is tried again rather than being lost.
            log.warn("Delivery for subscription {} could not be completed and is requeued: {}", subscription.name(),
                    e.toString());
            channel.basicNack(tag, false, true);
            return;
        }
        channel.basicAck(tag, false);
    }

    private void deliverOnce(Subscription subscription, Message message) {
        MessageProperties properties = message.getMessageProperties();
        int attempt = attemptOf(properties);
        Optional<EnvelopeReader.Identity> identity = envelopes.identify(properties.getContentType(),
                properties.getMessageId(), properties.getType(), properties.getReceivedRoutingKey(), message.getBody());
        DeliveryOutcome outcome = identity.isEmpty()
                ? new DeliveryOutcome.DeadLetter(attempt, "not a CloudEvents JSON envelope with a usable id and type")
                : delivery.deliver(subscription, new InboundEvent(identity.get().id(), message.getBody()), attempt);
        switch (outcome) {
            case DeliveryOutcome.Delivered accepted -> delivered.increment();
            case DeliveryOutcome.Retry retry -> {
                publisher.send("", names.retry(subscription.name(), retry.delay()),
                        copy(message, retry.nextAttempt(), null));
                retried.increment();
                recordFailure(subscription.name(), retry.failure());
            }
            case DeliveryOutcome.DeadLetter dead -> {
                deadLettered.increment();
                recordFailure(subscription.name(), dead.failure());
                publisher.send("", names.deadLetter(subscription.name()),
                        copy(message, dead.attempts(), dead.failure()));
                log.warn("Event {} dead-lettered for subscription {} after {} attempts; last: {}",
                        identity.map(EnvelopeReader.Identity::id).orElse("(unreadable)"), subscription.name(),
                        dead.attempts(),
                        dead.failure());
            }
        }
    }

    /** For the subscription's status (and the console); the delivery goes on whether or not this is written. */
    private void recordFailure(SubscriptionName name, String failure) {
        try {
            store.recordFailure(name, new DeliveryFailure(failure == null ? "unknown"
                    : failure.length() > 500
                            ? failure.substring(0, 500)
                            : failure,
                    clock.instant()));
        } catch (RuntimeException e) {
            log.debug("Last delivery failure of {} not recorded: {}", name, e.toString());
        }
    }

    private static int attemptOf(MessageProperties properties) {
        Object header = properties.getHeaders().get(ATTEMPT_HEADER);
        return header instanceof Number number && number.intValue() > 0 ? number.intValue() : 1;
    }

    private static Message copy(Message message, int attempt, String failure) {
        MessageProperties properties = MessagePropertiesBuilder.fromClonedProperties(message.getMessageProperties())
                .setHeader(ATTEMPT_HEADER, attempt)
                .build();
        // Received messages carry their mode as "received": say it again, or the copy would not be persistent.
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        if (failure != null) {
            properties.setHeader(FAILURE_HEADER, failure.length() > 500 ? failure.substring(0, 500) : failure);
        }
        return new Message(message.getBody(), properties);
    }
}
