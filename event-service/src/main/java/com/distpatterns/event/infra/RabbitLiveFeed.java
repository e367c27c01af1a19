package com.distpatterns.event.infra;

import com.distpatterns.event.core.LiveEvent;
import com.distpatterns.event.core.LiveEventSink;
import com.distpatterns.event.core.LiveFeed;
import com.distpatterns.event.core.StreamEnd;
import com.distpatterns.event.core.TopicPattern;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;

/**
 * One exclusive, auto-delete queue per live stream, bound with the stream's pattern and consumed on a channel of its
 * own with a prefetch limit, so the broker never pushes more than that ahead of the stream's buffer. The queue is
 * gone as soon as the consumer is cancelled or the connection drops. An event published in a trace reaches the client
 * with that trace's {@code traceparent} in its envelope ({@link EnvelopeTraceContext}).
 */
public final class RabbitLiveFeed implements LiveFeed {

    private final ConnectionFactory connectionFactory;
    private final EnvelopeReader envelopes;
    private final String exchange;
    private final String queuePrefix;
    private final int prefetch;

    public RabbitLiveFeed(ConnectionFactory connectionFactory, EnvelopeReader envelopes, String exchange,
            String queuePrefix, int prefetch) {
        this.connectionFactory = connectionFactory;
        this.envelopes = envelopes;
        this.exchange = exchange;
        this.queuePrefix = queuePrefix;
        this.prefetch = prefetch;
    }

    @Override
    public Handle open(TopicPattern pattern, LiveEventSink sink) {
        Channel channel = connectionFactory.createConnection().createChannel(false);
        StreamConsumer consumer = new StreamConsumer(channel, sink);
        String queue = queuePrefix + UUID.randomUUID();
        try {
            channel.basicQos(prefetch);
            channel.queueDeclare(queue, false, true, true, Map.of());
            channel.queueBind(queue, exchange, pattern.value());
            channel.basicConsume(queue, false, consumer);
            return consumer;
        } catch (IOException | RuntimeException e) {
            // Auto-delete needs a consumer to have come and gone: a queue that never got one is deleted explicitly.
            deleteQuietly(queue);
            consumer.close();
            throw e instanceof IOException io ? new AmqpIOException(io) : (RuntimeException) e;
        }
    }

    private void deleteQuietly(String queue) {
        try {
            Channel channel = connectionFactory.createConnection().createChannel(false);
            try {
                channel.queueDelete(queue);
            } finally {
                RabbitUtils.closeChannel(channel);
            }
        } catch (IOException | RuntimeException e) {
            // the broker is gone: so is the exclusive queue, with the connection that declared it
        }
    }

    /** Hands deliveries to the sink and acknowledges them; stops itself when the sink takes no more. */
    private final class StreamConsumer extends DefaultConsumer implements Handle {

        private final LiveEventSink sink;
        private final AtomicBoolean closed = new AtomicBoolean();

        StreamConsumer(Channel channel, LiveEventSink sink) {
            super(channel);
            this.sink = sink;
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                throws IOException {
            Optional<EnvelopeReader.Identity> identity = envelopes.identify(properties.getContentType(),
                    properties.getMessageId(), properties.getType(), envelope.getRoutingKey(), body);
            // The publisher's trace goes to the client inside the envelope: an SSE event has no headers to carry it.
            Object traceparent = properties.getHeaders() == null ? null : properties.getHeaders().get("traceparent");
            boolean taken = identity.isEmpty() || sink.offer(new LiveEvent(identity.get().id(), identity.get().type(),
                    EnvelopeTraceContext.with(body, traceparent)));
            if (taken) {
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            } else if (!closed.get()) {
                // Closing waits for the broker's answer, which must not be awaited on the thread that dispatches to us.
                Thread.ofVirtual().start(this::close);
            }
        }

        @Override
        public void handleCancel(String consumerTag) {
            sink.end(StreamEnd.BROKER_LOST);
        }

        @Override
        public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
            if (!closed.get()) {
                sink.end(StreamEnd.BROKER_LOST);
            }
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            Channel channel = getChannel();
            // A physical close: a channel with a consumer must not go back to the cache for reuse.
            RabbitUtils.setPhysicalCloseRequired(channel, true);
            try {
                RabbitUtils.closeChannel(channel);
            } finally {
                RabbitUtils.clearPhysicalCloseRequired();
            }
        }
    }
}
