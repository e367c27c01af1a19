package com.distpatterns.event.testing;

import com.distpatterns.event.config.EventServiceProperties;
import java.util.List;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Removes a test deployment's exchange and Redis keys when its application context closes. */
@TestConfiguration(proxyBeanMethods = false)
public class TestDeploymentCleanup {

    @Bean
    DisposableBean removeTestExchangeAndKeys(ApplicationContext context) {
        return () -> remove(context);
    }

    /** Deletes what a deployment shares beyond its subscriptions' queues: its exchange and its Redis keys. */
    public static void remove(ApplicationContext context) {
        EventServiceProperties properties = context.getBean(EventServiceProperties.class);
        context.getBean(AmqpAdmin.class).deleteExchange(properties.exchange());
        String prefix = properties.subscriptions().keyPrefix();
        context.getBean(StringRedisTemplate.class)
                .delete(List.of(prefix + "subscriptions", prefix + "delivered", prefix + "tombstones"));
    }
}
