package com.distpatterns.client.spring;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.aop.support.AopUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheOperationInvocationContext;
import org.springframework.cache.interceptor.SimpleCacheResolver;
import org.springframework.core.ResolvableType;

/**
 * Resolves a cached method's caches as Spring does, then makes each {@link SuiteCache} read values as the type
 * the method returns ({@code Optional<T>}: {@code T}, which is what Spring caches for it), generics included.
 */
final class TypedCacheResolver extends SimpleCacheResolver {

    private record Site(Method method, Class<?> targetClass) {}

    private final ConcurrentMap<Site, Type> types = new ConcurrentHashMap<>();

    TypedCacheResolver(CacheManager cacheManager) {
        super(cacheManager);
    }

    @Override
    public Collection<? extends Cache> resolveCaches(CacheOperationInvocationContext<?> context) {
        Collection<? extends Cache> caches = super.resolveCaches(context);
        Class<?> targetClass = AopUtils.getTargetClass(context.getTarget());
        Type type = types.computeIfAbsent(new Site(context.getMethod(), targetClass),
                site -> valueType(site.method(), site.targetClass()));
        return caches.stream().map(cache -> cache instanceof SuiteCache suite ? suite.typed(type) : cache).toList();
    }

    static Type valueType(Method method, Class<?> targetClass) {
        Type type = method.getGenericReturnType();
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == Optional.class) {
            type = parameterized.getActualTypeArguments()[0];
        }
        if (type == void.class || type == Void.class) {
            return Object.class;
        }
        if (type instanceof TypeVariable<?>) {
            // A generic base class's method (T find(ID)): what T is in the bean's own class.
            return ResolvableType.forMethodReturnType(method, targetClass).resolve(Object.class);
        }
        return type;
    }
}
