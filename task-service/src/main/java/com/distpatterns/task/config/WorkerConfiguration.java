package com.distpatterns.task.config;

import com.distpatterns.task.core.PullStore;
import com.distpatterns.platform.outbound.OutboundUrlPolicy;
import com.distpatterns.platform.tracing.TracePropagation;
import com.distpatterns.task.core.HttpTaskRunner;
import com.distpatterns.task.core.TaskTypes;
import com.distpatterns.task.infra.JdkEndpointCaller;
import com.distpatterns.task.core.TaskEvents;
import com.distpatterns.task.core.TaskExecutor;
import com.distpatterns.task.core.TaskMetrics;
import com.distpatterns.task.core.TaskQueue;
import com.distpatterns.task.core.TaskStore;
import com.distpatterns.task.core.TaskWorker;
import com.distpatterns.task.infra.FactorialResponder;
import com.distpatterns.task.infra.TaskDeliveryListener;
import com.distpatterns.task.infra.TaskMessageCodec;
import com.distpatterns.task.infra.TaskTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The worker role: consumers of the task queue and of the RPC queue. */
@Configuration(proxyBeanMethods = false)
@Conditional(TaskRoles.Worker.class)
public class WorkerConfiguration {

    private static final Duration PAUSE_ON_FAILURE = Duration.ofSeconds(1);
    /** Far below RabbitMQ's consumer timeout (30 min), which would close the channel under a held message. */
    private static final Duration MAX_HOLD = Duration.ofMinutes(10);

    @Bean
    JdkEndpointCaller endpointCaller(TaskProperties properties, TracePropagation trace) {
        return new JdkEndpointCaller(properties.http().connectTimeout(), (int) properties.maxPayload().toBytes(),
                trace);
    }

    @Bean
    TaskWorker taskWorker(TaskStore store, TaskQueue queue, TaskEvents events, TaskTypes types,
            JdkEndpointCaller endpointCaller, OutboundUrlPolicy taskUrlPolicy, PullStore pullStore,
            TaskProperties properties,
            TaskMetrics metrics, Clock taskClock, JsonMapper json) {
        HttpTaskRunner httpTasks = new HttpTaskRunner(endpointCaller, taskUrlPolicy, json::writeValueAsString,
                text -> json.readValue(text, Object.class), taskClock);
        return new TaskWorker(store, queue, events, new TaskExecutor(taskClock), types, httpTasks, pullStore,
                properties.retry(), properties.limits(),
                json::writeValueAsString, metrics, taskClock, new Random());
    }

    /** Manual acknowledgement after the outcome is stored; prefetch and concurrency from the properties. */
    @Bean
    SimpleMessageListenerContainer taskListenerContainer(ConnectionFactory connectionFactory, AmqpAdmin admin,
            TaskTopology topology, TaskWorker worker, TaskMessageCodec codec, TaskProperties properties,
            TracePropagation trace) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(topology.workQueue());
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setConcurrentConsumers(properties.worker().concurrency());
        container.setPrefetchCount(properties.worker().prefetch());
        container.setShutdownTimeout(properties.worker().shutdownTimeout().toMillis());
        container.setAmqpAdmin(admin);
        // Each task runs in the trace of the request that submitted it (the publisher put it in the headers).
        container.setMessageListener(
                trace.continuing("task run", new TaskDeliveryListener(worker, codec, PAUSE_ON_FAILURE, MAX_HOLD)));
        return container;
    }

    @Bean
    SimpleMessageListenerContainer rpcListenerContainer(ConnectionFactory connectionFactory, AmqpAdmin admin,
            TaskTopology topology, @Qualifier("replyTemplate") RabbitTemplate replyTemplate, JsonMapper json,
            TaskProperties properties, TracePropagation trace) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(topology.rpcQueue());
        container.setAcknowledgeMode(AcknowledgeMode.AUTO);
        // A request that fails is answered with an error, never requeued into a loop.
        container.setDefaultRequeueRejected(false);
        container.setConcurrentConsumers(properties.rpc().concurrency());
        container.setPrefetchCount(properties.rpc().prefetch());
        container.setAmqpAdmin(admin);
        // Each answer is computed in the trace of the request that asked for it (RabbitRemoteFactorial put it there).
        FactorialResponder responder = new FactorialResponder(replyTemplate, json, properties.limits());
        container
                .setMessageListener(trace.continuing("rpc answer", (message, channel) -> responder.onMessage(message)));
        return container;
    }
}
