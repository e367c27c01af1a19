package com.distpatterns.task.infra;

import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.task.core.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;

/**
 * The service's RabbitMQ topology, declared by every process (API and worker alike) so that either may start
 * first:
 *
 * <pre>
 *  exchange &lt;p&gt; (direct) --work-------&gt; &lt;p&gt;.work   (quorum; rejects and delivery-limit overruns
 *                         |                                  dead-letter to &lt;p&gt;.dlx -&gt; &lt;p&gt;.dead)
 *                         +--retry.&lt;ms&gt;--&gt; &lt;p&gt;.retry.&lt;ms&gt; (quorum; a message waits its TTL, then is
 *                         |                                  dead-lettered back to &lt;p&gt; with key "work")
 *                         +--rpc--------&gt; &lt;p&gt;.rpc    (classic; requests expire with the caller's timeout)
 * </pre>
 *
 * Quorum queues dead-letter at-least-once (which needs {@code reject-publish} overflow), so a task moving to a
 * delay queue, back, or to the dead-letter queue is never lost; no logic reads the broker's {@code x-death}.
 */
public final class TaskTopology {

    public static final String WORK_KEY = "work";
    public static final String RPC_KEY = "rpc";

    private final String prefix;
    private final RetryPolicy retryPolicy;
    private final int deliveryLimit;

    public TaskTopology(String prefix, RetryPolicy retryPolicy, int deliveryLimit) {
        this.prefix = prefix;
        this.retryPolicy = retryPolicy;
        this.deliveryLimit = deliveryLimit;
    }

    public String exchange() {
        return prefix;
    }

    public String deadLetterExchange() {
        return prefix + ".dlx";
    }

    public String workQueue() {
        return prefix + ".work";
    }

    public String deadLetterQueue() {
        return prefix + ".dead";
    }

    public String rpcQueue() {
        return prefix + ".rpc";
    }

    public String retryQueue(Duration queueLevel) {
        return prefix + "." + retryKey(queueLevel);
    }

    public String retryKey(Duration queueLevel) {
        return "retry." + queueLevel.toMillis();
    }

    public List<String> retryQueues() {
        List<String> names = new ArrayList<>();
        for (Duration queueLevel : retryPolicy.queueLevels()) {
            names.add(retryQueue(queueLevel));
        }
        return names;
    }

    /** Every queue of this topology. */
    public List<String> queues() {
        List<String> names = new ArrayList<>(List.of(workQueue(), deadLetterQueue(), rpcQueue()));
        names.addAll(retryQueues());
        return names;
    }

    /** The exchanges this topology owns (not the shared {@code events} exchange). */
    public List<String> exchanges() {
        return List.of(exchange(), deadLetterExchange());
    }

    public Declarables declarables() {
        DirectExchange exchange = new DirectExchange(exchange(), true, false);
        FanoutExchange deadLetters = new FanoutExchange(deadLetterExchange(), true, false);
        Queue work = quorum(workQueue())
                .deliveryLimit(deliveryLimit)
                .deadLetterExchange(deadLetterExchange())
                .build();
        Queue dead = QueueBuilder.durable(deadLetterQueue()).quorum().build();
        Queue rpc = QueueBuilder.durable(rpcQueue()).withArgument("x-queue-type", "classic").build();

        List<Declarable> declarables = new ArrayList<>(List.of(
                exchange, deadLetters, work, dead, rpc,
                BindingBuilder.bind(work).to(exchange).with(WORK_KEY),
                BindingBuilder.bind(dead).to(deadLetters),
                BindingBuilder.bind(rpc).to(exchange).with(RPC_KEY),
                // Shared with event-service, which declares it identically: durable, not auto-delete, no arguments.
                new TopicExchange(CloudEventMessages.EXCHANGE, true, false)));
        for (Duration queueLevel : retryPolicy.queueLevels()) {
            Duration ceiling = retryPolicy.ceiling(queueLevel);
            Queue delay = quorum(retryQueue(queueLevel))
                    .ttl(Math.toIntExact(ceiling.toMillis()))
                    .deadLetterExchange(exchange())
                    .deadLetterRoutingKey(WORK_KEY)
                    .build();
            declarables.add(delay);
            declarables.add(new Binding(delay.getName(), Binding.DestinationType.QUEUE, exchange(),
                    retryKey(queueLevel), Map.of()));
        }
        return new Declarables(declarables);
    }

    private static QueueBuilder quorum(String name) {
        return QueueBuilder.durable(name)
                .quorum()
                .withArgument("x-dead-letter-strategy", "at-least-once")
                .overflow(QueueBuilder.Overflow.rejectPublish);
    }
}
