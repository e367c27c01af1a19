package com.distpatterns.platform.test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.testcontainers.context.ImportTestcontainers;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.ClassUtils;

/**
 * Gives every Spring test context a real Redis and RabbitMQ when its classpath uses them, without the test
 * saying anything: registered in {@code META-INF/spring.factories}.
 */
public final class InfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return new InfrastructureCustomizer();
    }

    /** All instances are equal, so contexts stay cacheable across test classes. */
    private record InfrastructureCustomizer() implements ContextCustomizer {

        private static final String REDIS_CLIENT = "org.springframework.data.redis.connection.RedisConnectionFactory";
        private static final String RABBIT_CLIENT = "org.springframework.amqp.rabbit.connection.ConnectionFactory";

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            ClassLoader classLoader = context.getClassLoader();
            boolean redis = ClassUtils.isPresent(REDIS_CLIENT, classLoader);
            boolean rabbit = ClassUtils.isPresent(RABBIT_CLIENT, classLoader);
            Map<String, Object> defaults = new HashMap<>(Map.of("eureka.client.enabled", "false"));
            if (redis && TestInfrastructure.redisCluster()) {
                // spring.data.redis.cluster.nodes wins over host/port in Spring Boot's Redis configuration.
                defaults.putAll(TestInfrastructure.redisProperties());
                redis = false;
            }
            if (TestInfrastructure.mode() == InfrastructureMode.CONTAINERS) {
                BeanDefinitionRegistry registry = (BeanDefinitionRegistry) context.getBeanFactory();
                if (redis) {
                    registry.registerBeanDefinition(RedisContainerConnection.class.getName(),
                            new RootBeanDefinition(RedisContainerConnection.class));
                }
                if (rabbit) {
                    registry.registerBeanDefinition(RabbitContainerConnection.class.getName(),
                            new RootBeanDefinition(RabbitContainerConnection.class));
                }
            } else {
                if (redis) {
                    TestInfrastructure.redis();
                }
                if (rabbit) {
                    TestInfrastructure.rabbit();
                }
            }
            // Beneath the test's own properties: a test that wants Eureka says so.
            context.getEnvironment().getPropertySources().addLast(
                    new MapPropertySource("testInfrastructureDefaults", defaults));
        }
    }

    @ImportTestcontainers(SharedContainers.Redis.class)
    static final class RedisContainerConnection {}

    @ImportTestcontainers(SharedContainers.Rabbit.class)
    static final class RabbitContainerConnection {}
}
