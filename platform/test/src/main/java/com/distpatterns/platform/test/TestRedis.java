package com.distpatterns.platform.test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Redis connection of the test's own (to look at or clean up keys beside the service under test), to the one
 * Redis or the Redis Cluster the tests run on. Kept apart from {@link TestInfrastructure} so that modules without
 * Spring Data Redis need not have it.
 */
public final class TestRedis {

    private TestRedis() {}

    public static RedisConfiguration configuration() {
        if (TestInfrastructure.redisCluster()) {
            return new RedisClusterConfiguration(
                    TestInfrastructure.redisClusterNodes().stream().map(Endpoint::toString).toList());
        }
        Endpoint redis = TestInfrastructure.redis();
        return new RedisStandaloneConfiguration(redis.host(), redis.port());
    }

    /** A started connection factory; the caller destroys it. */
    public static LettuceConnectionFactory connectionFactory() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
