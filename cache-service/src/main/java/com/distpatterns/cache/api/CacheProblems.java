package com.distpatterns.cache.api;

import com.distpatterns.cache.core.InvalidInputException;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.ExceptionProblems;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A broken limit of the cache API is the client's to fix: 400 (a value over 1 MiB is refused as it is read). */
@Configuration(proxyBeanMethods = false)
class CacheProblems {

    @Bean
    ExceptionProblems cacheExceptionProblems() {
        return ExceptionProblems.service()
                .on(InvalidInputException.class, e -> switch (e.reason()) {
                    case CACHE_NAME -> ApiException.badRequest("invalid-cache-name", e.getMessage());
                    case KEY -> ApiException.badRequest("invalid-key", e.getMessage());
                    case TTL -> ApiException.badRequest("invalid-ttl", e.getMessage());
                })
                .build();
    }
}
