package com.distpatterns.platform.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Skips a test class or method when the tests run on a Redis Cluster ({@code TEST_REDIS=cluster}): for tests that
 * need one Redis server of their own, e.g. to take it away through a {@link TcpProxy}. The reason says what.
 */
@Documented
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RedisClusterCondition.class)
public @interface DisabledOnRedisCluster {

    /** Why the test cannot run on a cluster. */
    String value();
}
