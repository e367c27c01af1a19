package com.distpatterns.event.infra;

import com.distpatterns.event.core.QueueDepths;
import com.distpatterns.event.core.RetrySchedule;
import com.distpatterns.event.core.Subscription;
import com.distpatterns.event.core.SubscriptionName;
import com.distpatterns.event.core.SubscriptionQueues;
import com.distpatterns.event.core.TopicPattern;
import java.time.Duration;
import java.util.Map;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;

/**
 * A subscription's queues, all durable: the subscription queue bound to the exchange with its pattern, one retry
 * queue per backoff delay whose messages expire back into the subscription queue (dead-lettered through the default
 * exchange), and a dead-letter queue.
 */
public final class RabbitSubscriptionQueues implements SubscriptionQueues {

  private final AmqpAdmin admin;
  private final SubscriptionQueueNames names;
  private final RetrySchedule retries;
  private final String exchange;

  public RabbitSubscriptionQueues(AmqpAdmin admin, SubscriptionQueueNames names, RetrySchedule retries, String exchange) {
    this.admin = admin;
    this.names = names;
    this.retries = retries;
    this.exchange = exchange;
  }

  @Override
  public void declare(Subscription subscription) {
    SubscriptionName name = subscription.name();
    String main = names.main(name);
    admin.declareQueue(new Queue(main, true, false, false));
    admin.declareQueue(new Queue(names.deadLetter(name), true, false, false));
    for (Duration delay : retries.delays()) {
      admin.declareQueue(new Queue(names.retry(name, delay), true, false, false, Map.of(
          "x-message-ttl", delay.toMillis(),
          "x-dead-letter-exchange", "",
          "x-dead-letter-routing-key", main)));
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

  private long count(String queue) {
    QueueInformation information = admin.getQueueInfo(queue);
    return information == null ? 0 : information.getMessageCount();
  }

  private Binding binding(SubscriptionName name, TopicPattern pattern) {
    return new Binding(names.main(name), Binding.DestinationType.QUEUE, exchange, pattern.value(), null);
  }
}
