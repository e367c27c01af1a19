package com.distpatterns.client.spring;

import com.distpatterns.client.ClientSettings;
import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.RetryPolicy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The suite's client as beans, when {@code distpatterns.url} is set: the {@link DistpatternsClient} and a
 * {@link CacheManager} backed by cache-service (unless the application defines its own), and the workers of its
 * {@link TaskHandler} methods. Before Spring Boot's
 * cache auto-configuration, which backs off when a {@code CacheManager} exists.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnProperty(prefix = "distpatterns", name = "url")
@EnableConfigurationProperties(DistpatternsProperties.class)
public class DistpatternsAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DistpatternsClient distpatternsClient(DistpatternsProperties properties) {
        DistpatternsProperties.Retry retry = properties.retry();
        return DistpatternsClient.create(new ClientSettings(properties.url(), properties.apiKey(),
                properties.connectTimeout(), properties.requestTimeout(),
                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()),
                properties.lock().leaseTime()));
    }

    /** Serves the application's {@link TaskHandler} methods (none: the bean idles). */
    @Bean
    @ConditionalOnProperty(prefix = "distpatterns.tasks", name = "enabled", matchIfMissing = true)
    TaskHandlers distpatternsTaskHandlers(ConfigurableListableBeanFactory beans, DistpatternsClient client,
            DistpatternsProperties properties) {
        return new TaskHandlers(beans, client, properties.tasks());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "distpatterns.cache", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(CacheManager.class)
    static class CacheConfiguration {

        @Bean
        SuiteCacheManager cacheManager(DistpatternsClient client, DistpatternsProperties properties) {
            return new SuiteCacheManager(client, properties.cache());
        }

        /**
         * Spring asks a cache for a key without saying what type the method returns; this resolver hands the
         * interceptor a view of the cache that reads values as the cached method's declared return type.
         */
        @Bean
        @ConditionalOnMissingBean(CachingConfigurer.class)
        CachingConfigurer distpatternsCachingConfigurer(ObjectProvider<SuiteCacheManager> cacheManager) {
            return new CachingConfigurer() {
                @Override
                public CacheResolver cacheResolver() {
                    return new TypedCacheResolver(cacheManager.getObject());
                }
            };
        }
    }
}
