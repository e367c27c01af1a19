package com.distpatterns.task.support;

import com.distpatterns.platform.test.TestInfrastructure;
import com.distpatterns.platform.test.TestRedis;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Names of one test's own: a queue/exchange prefix and a Redis key prefix nobody else uses on the shared servers,
 * and, on close, the deletion of exactly the queues, exchanges and keys made under them.
 */
public final class Scratch implements AutoCloseable {

    private final String prefix = "tasks-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Set<String> queues = new LinkedHashSet<>();
    private final Set<String> exchanges = new LinkedHashSet<>();

    public String prefix() {
        return prefix;
    }

    /** Properties pointing a task-service at the test servers, under this scratch's names. */
    public Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>();
        properties.putAll(TestInfrastructure.redisProperties());
        properties.putAll(TestInfrastructure.rabbitProperties());
        properties.put("tasks.amqp-prefix", prefix);
        properties.put("tasks.redis-prefix", prefix);
        properties.put("eureka.client.enabled", "false");
        return properties;
    }

    public synchronized void ownQueues(Iterable<String> names) {
        names.forEach(queues::add);
    }

    public synchronized void ownExchanges(Iterable<String> names) {
        names.forEach(exchanges::add);
    }

    @Override
    public synchronized void close() {
        Map<String, String> rabbit = TestInfrastructure.rabbitProperties();
        CachingConnectionFactory connections = new CachingConnectionFactory(rabbit.get("spring.rabbitmq.host"),
                Integer.parseInt(rabbit.get("spring.rabbitmq.port")));
        connections.setUsername(rabbit.get("spring.rabbitmq.username"));
        connections.setPassword(rabbit.get("spring.rabbitmq.password"));
        try {
            RabbitAdmin admin = new RabbitAdmin(connections);
            queues.forEach(admin::deleteQueue);
            exchanges.forEach(admin::deleteExchange);
        } finally {
            connections.destroy();
        }

        LettuceConnectionFactory redisConnections = TestRedis.connectionFactory();
        try {
            StringRedisTemplate template = new StringRedisTemplate(redisConnections);
            Set<String> keys = new LinkedHashSet<>();
            try (Cursor<String> cursor = template
                    .scan(ScanOptions.scanOptions().match(prefix + ":*").count(1000).build())) {
                cursor.forEachRemaining(keys::add);
            }
            if (!keys.isEmpty()) {
                template.delete(keys);
            }
        } finally {
            redisConnections.destroy();
        }
    }
}
