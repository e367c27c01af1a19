package com.distpatterns.task.config;

import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.task.core.TaskEvents;
import com.distpatterns.task.core.TaskMetrics;
import com.distpatterns.task.core.TaskQueue;
import com.distpatterns.task.infra.CloudEventTaskEvents;
import com.distpatterns.task.infra.ConfirmedPublisher;
import com.distpatterns.task.infra.QueueDepths;
import com.distpatterns.task.infra.RabbitTaskQueue;
import com.distpatterns.task.infra.RedisTaskStore;
import com.distpatterns.task.infra.TaskMessageCodec;
import com.distpatterns.task.infra.TaskTopology;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** What both roles share: the topology, the store, and confirmed publishing of tasks and events. */
@Configuration(proxyBeanMethods = false)
public class TaskConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TaskConfiguration.class);

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

  /** Tasks and RPC requests: mandatory, so an unroutable message is an error rather than a silent drop. */
  @Bean
  RabbitTemplate taskTemplate(ConnectionFactory connectionFactory, TaskProperties properties, JsonMapper json) {
    RabbitTemplate template = new RabbitTemplate(connectionFactory);
    template.setMandatory(true);
    template.setReplyTimeout(properties.rpc().timeout().toMillis());
    template.setMessageConverter(new JacksonJsonMessageConverter(json));
    // The publisher sees a return on its correlation data; this only keeps the template from warning about it.
    template.setReturnsCallback(returned -> log.debug("message returned by the broker: {} exchange={} key={}",
        returned.getReplyText(), returned.getExchange(), returned.getRoutingKey()));
    return template;
  }

  /** Events and RPC replies: nobody listening is normal, so not mandatory. */
  @Bean
  RabbitTemplate eventTemplate(ConnectionFactory connectionFactory, JsonMapper json) {
    RabbitTemplate template = new RabbitTemplate(connectionFactory);
    template.setMessageConverter(new JacksonJsonMessageConverter(json));
    return template;
  }

  @Bean
  TaskMessageCodec taskMessageCodec(JsonMapper json) {
    return new TaskMessageCodec(json);
  }

  @Bean
  TaskQueue taskQueue(@Qualifier("taskTemplate") RabbitTemplate taskTemplate, TaskProperties properties,
      TaskTopology topology, TaskMessageCodec codec) {
    return new RabbitTaskQueue(new ConfirmedPublisher(taskTemplate, properties.confirmTimeout()), topology, codec);
  }

  @Bean
  TaskEvents taskEvents(@Qualifier("eventTemplate") RabbitTemplate eventTemplate, TaskProperties properties,
      JsonMapper json) {
    return new CloudEventTaskEvents(new ConfirmedPublisher(eventTemplate, properties.confirmTimeout()),
        new CloudEventMessages(json), json);
  }

  @Bean
  RedisTaskStore taskStore(StringRedisTemplate redis, TaskProperties properties) {
    return new RedisTaskStore(redis, properties.redisPrefix(), properties.resultTtl());
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
