package com.distpatterns.cache.api;

import com.distpatterns.cache.core.CacheStore;
import com.distpatterns.platform.service.DirectPaths;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * An entry's GET and its direct path. {@code cache.direct-get=false} leaves every call to Spring MVC (same answers,
 * more CPU per GET); it exists to compare the two and as a way back.
 */
@Configuration(proxyBeanMethods = false)
class EntryHttpConfiguration {

    @Bean
    EntryReads entryReads(CacheStore store) {
        return new EntryReads(store);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "cache.direct-get", matchIfMissing = true)
    FilterRegistrationBean<EntryDirectPath> entryDirectPath(EntryReads reads,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        FilterRegistrationBean<EntryDirectPath> registration = new FilterRegistrationBean<>(
                new EntryDirectPath(reads, problems));
        registration.setName("entryDirectPath");
        registration.addUrlPatterns("/api/caches/*");
        // After the observation, before MVC's request binding: only what MVC's handlers need is skipped.
        registration.setOrder(DirectPaths.FILTER_ORDER);
        return registration;
    }
}
