package com.distpatterns.platform.test;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link DisabledOnRedisCluster}. */
final class RedisClusterCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, DisabledOnRedisCluster.class))
                .filter(annotation -> TestInfrastructure.redisCluster())
                .map(annotation -> ConditionEvaluationResult.disabled("on a Redis Cluster: " + annotation.value()))
                .orElse(ConditionEvaluationResult.enabled("one Redis, or not marked"));
    }
}
