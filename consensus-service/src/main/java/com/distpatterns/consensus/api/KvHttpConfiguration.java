package com.distpatterns.consensus.api;

import com.distpatterns.consensus.config.ConsensusProperties;
import com.distpatterns.consensus.core.ReplicatedStore;
import java.util.HashSet;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import com.distpatterns.platform.service.DirectPaths;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key-value calls and their direct path. {@code consensus.direct-kv=false} leaves every call to Spring MVC
 * (same answers, more CPU per call); it exists to compare the two and as a way back.
 */
@Configuration(proxyBeanMethods = false)
class KvHttpConfiguration {

    @Bean
    KvCalls kvCalls(ReplicatedStore store, JsonMapper mapper, ConsensusProperties properties) {
        return new KvCalls(store, mapper, properties.requestTimeout());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "consensus.direct-kv", matchIfMissing = true)
    FilterRegistrationBean<KvDirectPath> kvDirectPath(KvCalls calls,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems,
            @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        FilterRegistrationBean<KvDirectPath> registration = new FilterRegistrationBean<>(
                new KvDirectPath(calls, problems, () -> literalSegments(mappings.getObject())));
        registration.setName("kvDirectPath");
        registration.addUrlPatterns("/api/kv", "/api/kv/*", "/api/txn");
        // After the observation, before MVC's request binding: only what MVC's handlers need is skipped.
        registration.setOrder(DirectPaths.FILTER_ORDER);
        return registration;
    }

    /** The first segments after {@code /api/kv/} of MVC's literal mappings ({@code watch}, {@code compact}). */
    static Set<String> literalSegments(RequestMappingHandlerMapping mappings) {
        Set<String> segments = new HashSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/api/kv/")) {
                    String rest = pattern.substring("/api/kv/".length());
                    String first = rest.indexOf('/') < 0 ? rest : rest.substring(0, rest.indexOf('/'));
                    if (!first.isEmpty() && first.indexOf('{') < 0 && first.indexOf('*') < 0) {
                        segments.add(first);
                    }
                }
            }
        }
        return segments;
    }
}
