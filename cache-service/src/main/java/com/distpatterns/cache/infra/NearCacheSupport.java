package com.distpatterns.cache.infra;

import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import java.util.Optional;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Where the invalidation channel connects: the same single Redis the service uses, with the same credentials. */
public final class NearCacheSupport {

    private NearCacheSupport() {}

    /**
     * The server to track, or empty when there is no single one: on a Cluster each node only reports its own keys and
     * the set of nodes changes, and behind Sentinel the master moves; the near cache stays off there (docs/cache.md).
     */
    public static Optional<RedisURI> trackingUri(RedisConnectionFactory connections) {
        if (!(connections instanceof LettuceConnectionFactory lettuce) || lettuce.isClusterAware()
                || lettuce.getSentinelConfiguration() != null || lettuce.getSocketConfiguration() != null) {
            return Optional.empty();
        }
        RedisStandaloneConfiguration server = lettuce.getStandaloneConfiguration();
        LettuceClientConfiguration client = lettuce.getClientConfiguration();
        RedisURI.Builder uri = RedisURI.builder()
                .withHost(server.getHostName())
                .withPort(server.getPort())
                .withDatabase(server.getDatabase())
                .withSsl(client.isUseSsl())
                .withTimeout(client.getCommandTimeout());
        server.getPassword().toOptional().ifPresent(password -> uri
                .withAuthentication(server.getUsername() == null ? "default" : server.getUsername(), password));
        return Optional.of(uri.build());
    }

    public static ClientResources clientResources(RedisConnectionFactory connections) {
        return connections instanceof LettuceConnectionFactory lettuce
                ? lettuce.getClientConfiguration().getClientResources().orElse(null)
                : null;
    }
}
