package com.distpatterns.event.infra;

import com.distpatterns.event.core.QueueDepths;
import com.distpatterns.event.core.RetrySchedule;
import com.distpatterns.event.core.Subscription;
import com.distpatterns.event.core.SubscriptionName;
import com.distpatterns.event.core.SubscriptionQueues;
import com.distpatterns.event.core.TopicPattern;
import java.time.Duration;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.QueueInformation;

/**
 * A subscription's queues, all durable quorum queues: the subscription queue bound to the exchange with its
 * pattern, one retry queue per backoff delay whose messages expire back into the subscription queue
 * (dead-lettered through the default exchange), and a dead-letter queue. Quorum queues dead-letter at least once
 * (with {@code reject-publish} overflow), where a classic queue's dead-lettering may lose the message it moves: an
 * event waiting for its next attempt is never dropped on the way back. Past the delivery limit (requeued that many
 * times, say while the broker refused the retry copies) an event goes to the dead-letter queue rather than away.
 */
public final class RabbitSubscriptionQueues implements SubscriptionQueues {

    /** Deliveries of one event before the broker dead-letters it: RabbitMQ 4's default for quorum queues. */
    private static final int DELIVERY_LIMIT = 20;

    private final AmqpAdmin admin;
    private final SubscriptionQueueNames names;
    private final RetrySchedule retries;
    private final String exchange;

    public RabbitSubscriptionQueues(AmqpAdmin admin, SubscriptionQueueNames names, RetrySchedule retries,
            String exchange) {
        this.admin = admin;
        this.names = names;
        this.retries = retries;
        this.exchange = exchange;
    }

    @Override
    public void declare(Subscription subscription) {
        SubscriptionName name = subscription.name();
        String main = names.main(name);
        String deadLetter = names.deadLetter(name);
        admin.declareQueue(QueueBuilder.durable(deadLetter).quorum().build());
        admin.declareQueue(atLeastOnce(main)
                .deliveryLimit(DELIVERY_LIMIT)
                .deadLetterExchange("")
                .deadLetterRoutingKey(deadLetter)
                .build());
        for (Duration delay : retries.delays()) {
            admin.declareQueue(atLeastOnce(names.retry(name, delay))
                    .ttl(Math.toIntExact(delay.toMillis()))
                    .deadLetterExchange("")
                    .deadLetterRoutingKey(main)
                    .build());
        }
        admin.declareBinding(binding(name, subscription.pattern()));
    }

    @Override
    public void unbind(SubscriptionName name, TopicPattern pattern) {
        admin.removeBinding(binding(name, pattern));
    }

    @Override
    public QueueDepths depths(SubscriptionName name) {
        long pending = count(names.main(name));
        for (Duration delay : retries.delays()) {
            pending += count(names.retry(name, delay));
        }
        return new QueueDepths(pending, count(names.deadLetter(name)));
    }

    @Override
    public void delete(SubscriptionName name) {
        admin.deleteQueue(names.main(name));
        for (Duration delay : retries.delays()) {
            admin.deleteQueue(names.retry(name, delay));
        }
        admin.deleteQueue(names.deadLetter(name));
    }

    private static QueueBuilder atLeastOnce(String queue) {
        return QueueBuilder.durable(queue)
                .quorum()
                .withArgument("x-dead-letter-strategy", "at-least-once")
                .overflow(QueueBuilder.Overflow.rejectPublish);
    }

    private long count(String queue) {
        QueueInformation information = admin.getQueueInfo(queue);
        return information == null ? 0 : information.getMessageCount();
    }

    private Binding binding(SubscriptionName name, TopicPattern pattern) {
        return new Binding(names.main(name), Binding.DestinationType.QUEUE, exchange, pattern.value(), null);
    }
}
