package com.distpatterns.task.config;

import com.distpatterns.task.core.PullStore;
import com.distpatterns.task.infra.RedisPullStore;
import com.distpatterns.platform.outbound.HostResolver;
import com.distpatterns.platform.outbound.OutboundUrlPolicy;
import com.distpatterns.task.core.TaskTypeStore;
import com.distpatterns.task.core.TaskTypes;
import com.distpatterns.task.infra.RedisTaskTypeStore;
import java.security.SecureRandom;
import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.platform.messaging.BrokerAddresses;
import com.distpatterns.platform.messaging.ConfirmedPublisher;
import com.distpatterns.platform.tracing.TracePropagation;
import com.distpatterns.task.core.TaskEvents;
import com.distpatterns.task.core.TaskMetrics;
import com.distpatterns.task.core.TaskQueue;
import com.distpatterns.task.infra.CloudEventTaskEvents;
import com.distpatterns.task.infra.QueueDepths;
import com.distpatterns.task.infra.RabbitTaskQueue;
import com.distpatterns.task.infra.RedisTaskStore;
import com.distpatterns.task.infra.TaskMessageCodec;
import com.distpatterns.task.infra.TaskTopology;
import com.rabbitmq.client.BuiltinExchangeType;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** What both roles share: the topology, the store, and confirmed publishing of tasks and events. */
@Configuration(proxyBeanMethods = false)
public class TaskConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TaskConfiguration.class);
    /** Channels publishing side by side: each holds its lock only for the write, not the confirm. */
    private static final int PUBLISHING_CHANNELS = 4;

    @Bean
    Clock taskClock() {
        return Clock.systemUTC();
    }

    @Bean
    TaskTopology taskTopology(TaskProperties properties) {
        return new TaskTopology(properties.amqpPrefix(), properties.retry(), properties.worker().deliveryLimit());
    }

    /** Declared by RabbitAdmin whenever a connection opens, in every role. */
    @Bean
    Declarables taskDeclarables(TaskTopology topology) {
        return topology.declarables();
    }

    /** RPC requests (and tests' raw messages): mandatory, so an unroutable request is an error, not a silent drop. */
    @Bean
    RabbitTemplate taskTemplate(ConnectionFactory connectionFactory, TaskProperties properties, JsonMapper json) {
        RabbitTemplate template = new RabbitTemplate(connectionFactory);
        template.setMandatory(true);
        template.setReplyTimeout(properties.rpc().timeout().toMillis());
        template.setMessageConverter(new JacksonJsonMessageConverter(json));
        // sendAndReceive sees a return itself; this only keeps the template from warning about it.
        template.setReturnsCallback(returned -> log.debug("message returned by the broker: {} exchange={} key={}",
                returned.getReplyText(), returned.getExchange(), returned.getRoutingKey()));
        return template;
    }

    /** RPC replies: a caller that gave up is normal, so not mandatory, and not confirmed (the caller times out). */
    @Bean
    RabbitTemplate replyTemplate(ConnectionFactory connectionFactory, JsonMapper json) {
        RabbitTemplate template = new RabbitTemplate(connectionFactory);
        template.setMessageConverter(new JacksonJsonMessageConverter(json));
        return template;
    }

    @Bean
    TaskMessageCodec taskMessageCodec(JsonMapper json) {
        return new TaskMessageCodec(json);
    }

    /**
     * Tasks, retries and events, each confirmed by the broker before anyone is told it happened, on a connection of
     * the publisher's own. It declares the two exchanges it publishes to whenever it connects; the queues behind them
     * are RabbitAdmin's.
     */
    @Bean
    ConfirmedPublisher confirmedPublisher(CachingConnectionFactory connectionFactory, RabbitConnectionDetails broker,
            TaskProperties properties, TaskTopology topology, TracePropagation trace) {
        return new ConfirmedPublisher(connectionFactory.getRabbitConnectionFactory(), BrokerAddresses.of(broker),
                "task-service publisher", properties.confirmTimeout(), PUBLISHING_CHANNELS, channel -> {
                    channel.exchangeDeclare(topology.exchange(), BuiltinExchangeType.DIRECT, true, false, Map.of());
                    channel.exchangeDeclare(CloudEventMessages.EXCHANGE, BuiltinExchangeType.TOPIC, true, false,
                            Map.of());
                }, trace);
    }

    @Bean
    TaskQueue taskQueue(ConfirmedPublisher publisher, TaskTopology topology, TaskMessageCodec codec) {
        return new RabbitTaskQueue(publisher, topology, codec);
    }

    @Bean
    TaskEvents taskEvents(ConfirmedPublisher publisher, JsonMapper json) {
        return new CloudEventTaskEvents(publisher, new CloudEventMessages(json), json);
    }

    @Bean
    RedisTaskStore taskStore(StringRedisTemplate redis, TaskProperties properties) {
        return new RedisTaskStore(redis, properties.redisPrefix(), properties.resultTtl());
    }

    @Bean
    PullStore pullStore(StringRedisTemplate redis, RedisTaskStore taskStore, TaskProperties properties) {
        return new RedisPullStore(redis, taskStore, properties.redisPrefix());
    }

    @Bean
    TaskTypeStore taskTypeStore(StringRedisTemplate redis, JsonMapper json, TaskProperties properties) {
        return new RedisTaskTypeStore(redis, json, properties.redisPrefix());
    }

    /** What http-mode types may call: checked at registration and again before every call. */
    @Bean
    OutboundUrlPolicy taskUrlPolicy(TaskProperties properties) {
        return new OutboundUrlPolicy(properties.http().allowedHosts(), properties.http().allowPrivateNetworks(),
                HostResolver.system(), "url", "tasks.http.allowed-hosts");
    }

    @Bean
    TaskTypes taskTypes(TaskTypeStore store, OutboundUrlPolicy taskUrlPolicy, TaskProperties properties,
            Clock taskClock) {
        return new TaskTypes(store, taskUrlPolicy, properties.limits(), new SecureRandom(), taskClock);
    }

    @Bean
    TaskMetrics taskMetrics(MeterRegistry registry) {
        return new TaskMetrics(registry);
    }

    @Bean
    QueueDepths queueDepths(AmqpAdmin admin, TaskTopology topology) {
        return new QueueDepths(admin, topology);
    }
}
