package com.distpatterns.platform.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import com.distpatterns.platform.tracing.TracePropagation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

/**
 * Sends messages and waits for the broker's publisher confirms: once a send returns, the message is in every
 * durable queue it was routed to, on disk.
 *
 * <p>It publishes on a connection of its own (configured like every other by {@code spring.rabbitmq.*}), so that the
 * broker blocking a publisher does not stall consumers' acknowledgements, over a few channels in confirm mode with
 * the confirms matched to waiting callers by sequence number. Measured on this machine, that costs about a third of
 * the CPU of {@code RabbitTemplate} with correlated confirms, whose per-call channel checkout, proxies and
 * callback bookkeeping dominated the cost of a publish. The connection is reopened by the first send after it was
 * lost; until the broker answers again, sends fail at once.
 *
 * <p>It connects to the first broker address of {@code spring.rabbitmq.addresses} that answers, like Spring's own
 * connections: the client library's factory alone knows only the first address, and a publisher bound to it would
 * stay down as long as that one node of a RabbitMQ cluster is.
 */
public final class ConfirmedPublisher implements AutoCloseable {

    /** One message and where it goes. */
    public record Outgoing(String exchange, String routingKey, Message message) {}

    /** Declares what publishing needs (exchanges, queues) on every new connection. */
    @FunctionalInterface
    public interface ChannelSetup {
        void prepare(Channel channel) throws IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(ConfirmedPublisher.class);
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(500);
    /** Names a mandatory message's place on its channel, so that a return can be matched to its sender. */
    private static final String SEQUENCE_HEADER = "x-publish-seq";

    private final ConnectionFactory connectionFactory;
    private final List<Address> addresses;
    private final String connectionName;
    private final Duration timeout;
    private final ChannelSetup setup;
    private final TracePropagation trace;
    private final Lane[] lanes;
    private final AtomicInteger next = new AtomicInteger();
    private final ReentrantLock connecting = new ReentrantLock();
    private final MessagePropertiesConverter properties = new DefaultMessagePropertiesConverter();
    private volatile Connection connection;
    private volatile long lastFailedConnect;
    private volatile boolean connectFailed;
    private volatile boolean closed;

    /**
     * @param connectionFactory the client library's factory behind Spring's, with every {@code spring.rabbitmq.*} setting
     * @param addresses the brokers to try, in order (every address of {@code spring.rabbitmq.addresses})
     * @param connectionName how the connection shows in the broker's management UI
     * @param timeout how long a send waits for its confirms
     * @param channels how many channels publish side by side
     * @param trace puts the sender's trace context into every message's headers, for the consumer to continue
     */
    public ConfirmedPublisher(ConnectionFactory connectionFactory, List<Address> addresses, String connectionName,
            Duration timeout, int channels, ChannelSetup setup, TracePropagation trace) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a publisher needs at least one broker address");
        }
        this.connectionFactory = connectionFactory;
        this.addresses = List.copyOf(addresses);
        this.connectionName = connectionName;
        this.timeout = timeout;
        this.setup = setup;
        this.trace = trace;
        this.lanes = new Lane[channels];
        for (int i = 0; i < channels; i++) {
            lanes[i] = new Lane();
        }
    }

    /**
     * Sends one message; nobody bound to receive it is no error.
     *
     * @throws PublishFailedException when the broker refused the message or did not confirm it in time
     * @throws AmqpConnectException when the broker cannot be reached (nothing was sent)
     */
    public void send(String exchange, String routingKey, Message message) {
        sendAll(List.of(new Outgoing(exchange, routingKey, message)), false);
    }

    /**
     * Sends every message first and then waits, so that their confirms overlap.
     *
     * @param mandatory a message that no queue receives fails with {@link PublishFailedException.Reason#UNROUTABLE}
     * @throws PublishFailedException for the first message the broker did not take; others may have been published
     * @throws AmqpConnectException when the broker cannot be reached
     */
    public void sendAll(List<Outgoing> messages, boolean mandatory) {
        List<Pending> sent = new ArrayList<>(messages.size());
        for (Outgoing outgoing : messages) {
            trace.inject(outgoing.message().getMessageProperties());
            AMQP.BasicProperties amqp = properties.fromMessageProperties(outgoing.message().getMessageProperties(),
                    StandardCharsets.UTF_8.name());
            sent.add(lanes[Math.floorMod(next.getAndIncrement(), lanes.length)]
                    .publish(outgoing.exchange(), outgoing.routingKey(), amqp, outgoing.message().getBody(),
                            mandatory));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Pending pending : sent) {
            await(pending, deadline);
        }
    }

    private void await(Pending pending, long deadline) {
        try {
            pending.confirmed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new PublishFailedException(PublishFailedException.Reason.TIMED_OUT,
                    "The broker did not confirm the message"
                            + " within " + timeout.toMillis() + " ms; it may or may not have been published.",
                    e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PublishFailedException failed ? failed
                    : new PublishFailedException(PublishFailedException.Reason.LOST,
                            "The broker's confirm failed: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException(PublishFailedException.Reason.INTERRUPTED,
                    "Interrupted while waiting for the broker's confirm; the message may or may not have been published.",
                    e);
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection current = connection;
        if (current != null && current.isOpen()) {
            try {
                current.close();
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
        }
    }

    private Connection connection() {
        Connection current = connection;
        if (current != null && current.isOpen()) {
            return current;
        }
        connecting.lock();
        try {
            current = connection;
            if (current != null && current.isOpen()) {
                return current;
            }
            if (closed) {
                throw new AmqpConnectException(new IllegalStateException("The publisher is closed"));
            }
            if (connectFailed && System.nanoTime() - lastFailedConnect < RECONNECT_PAUSE.toNanos()) {
                throw new AmqpConnectException(new IOException("The broker was unreachable moments ago"));
            }
            try {
                current = connectionFactory.newConnection(addresses, connectionName);
                try (Channel channel = current.createChannel()) {
                    setup.prepare(channel);
                }
            } catch (IOException | TimeoutException e) {
                lastFailedConnect = System.nanoTime();
                connectFailed = true;
                if (current != null) {
                    current.abort();
                }
                throw new AmqpConnectException(e);
            }
            if (connection != null) {
                log.info("Publisher connection '{}' to the broker open again", connectionName);
            }
            connectFailed = false;
            connection = current;
            return current;
        } finally {
            connecting.unlock();
        }
    }

    /** A message waiting for its confirm; a return, which the broker sends before the confirm, marks it. */
    private static final class Pending {
        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
        volatile String returned;
    }

    /** One channel in confirm mode and the callers waiting for its confirms, by sequence number. */
    private final class Lane {

        private final ReentrantLock lock = new ReentrantLock();
        private Channel channel;
        private ConcurrentNavigableMap<Long, Pending> waiting;
        /** This lane's channel once the broker refused a message on it: the next publish replaces it. */
        private volatile Channel refusing;

        Pending publish(String exchange, String routingKey, AMQP.BasicProperties amqp, byte[] body, boolean mandatory) {
            Pending pending = new Pending();
            lock.lock();
            try {
                Channel open = open();
                long sequence = open.getNextPublishSeqNo();
                AMQP.BasicProperties sent = mandatory ? withSequence(amqp, sequence) : amqp;
                waiting.put(sequence, pending);
                try {
                    open.basicPublish(exchange, routingKey, mandatory, sent, body);
                } catch (IOException e) {
                    waiting.remove(sequence);
                    throw new AmqpIOException(e);
                }
            } finally {
                lock.unlock();
            }
            return pending;
        }

        private static AMQP.BasicProperties withSequence(AMQP.BasicProperties amqp, long sequence) {
            Map<String, Object> headers = amqp.getHeaders() == null ? new HashMap<>()
                    : new HashMap<>(amqp.getHeaders());
            headers.put(SEQUENCE_HEADER, sequence);
            return amqp.builder().headers(headers).build();
        }

        private Channel open() {
            if (channel != null && channel.isOpen() && channel != refusing) {
                return channel;
            }
            if (channel != null && channel.isOpen()) {
                // A channel keeps its client state of every quorum queue it published to. After a queue's leader moved
                // to another node, RabbitMQ 3.10 was seen refusing every later message on such a channel while a fresh
                // channel had them accepted: a refusal retires the channel (its unconfirmed messages fail as lost).
                log.warn("Publisher '{}': the broker refused a message; publishing on a new channel", connectionName);
                try {
                    channel.abort();
                } catch (IOException e) {
                    // the channel is gone either way
                }
            }
            try {
                Channel fresh = connection().createChannel();
                fresh.confirmSelect();
                ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
                fresh.addConfirmListener(
                        (sequence, multiple) -> settle(pending, sequence, multiple, null),
                        (sequence, multiple) -> {
                            refusing = fresh;
                            settle(pending, sequence, multiple, new PublishFailedException(
                                    PublishFailedException.Reason.REFUSED,
                                    "The broker refused the message; it was not published.", null));
                        });
                fresh.addReturnListener(returned -> {
                    Object sequence = returned.getProperties().getHeaders() == null ? null
                            : returned.getProperties().getHeaders().get(SEQUENCE_HEADER);
                    Pending waiter = sequence instanceof Number number ? pending.get(number.longValue()) : null;
                    if (waiter != null) {
                        waiter.returned = "exchange '" + returned.getExchange() + "' with key '"
                                + returned.getRoutingKey() + "': "
                                + returned.getReplyText();
                    }
                });
                // A channel that closes takes its unconfirmed messages' fate with it: their callers are told at once.
                fresh.addShutdownListener(signal -> settle(pending, Long.MAX_VALUE, true, new PublishFailedException(
                        PublishFailedException.Reason.LOST,
                        "The broker connection was lost before the message was confirmed; it may or may not have been published.",
                        signal)));
                channel = fresh;
                waiting = pending;
                return fresh;
            } catch (IOException e) {
                throw new AmqpIOException(e);
            }
        }

        private static void settle(ConcurrentNavigableMap<Long, Pending> pending, long sequence, boolean multiple,
                RuntimeException failure) {
            if (!multiple) {
                complete(pending.remove(sequence), failure);
                return;
            }
            Map<Long, Pending> settled = pending.headMap(sequence, true);
            settled.values().forEach(waiter -> complete(waiter, failure));
            settled.clear();
        }

        private static void complete(Pending waiter, RuntimeException failure) {
            if (waiter == null) {
                return;
            }
            if (failure != null) {
                waiter.confirmed.completeExceptionally(failure);
            } else if (waiter.returned != null) {
                waiter.confirmed.completeExceptionally(new PublishFailedException(
                        PublishFailedException.Reason.UNROUTABLE,
                        "No queue took the message (" + waiter.returned + "): is the topology declared?", null));
            } else {
                waiter.confirmed.complete(null);
            }
        }
    }
}
