package com.distpatterns.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** How the rate limit's lease cap binds: application.yml gives it as {@code ${GATEWAY_RATE_LIMIT_MAX_LEASE:}}. */
class GatewayPropertiesTest {

    @Test
    void anEmptyOrMissingMaxLeaseLeavesTheCapToTheRate() {
        assertThat(bind("").rateLimit().maxLease()).isNull();
        assertThat(bind(null).rateLimit().maxLease()).isNull();
    }

    @Test
    void aMaxLeaseSetIsKept() {
        assertThat(bind("400").rateLimit().maxLease()).isEqualTo(400);
    }

    private static GatewayProperties bind(String maxLease) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "gateway.api-keys", "",
                "gateway.admin-paths", "/api/cluster/members/**",
                "gateway.rate-limit.enabled", "true",
                "gateway.rate-limit.replenish-per-second", "200",
                "gateway.rate-limit.burst-capacity", "400",
                "gateway.rate-limit.key-prefix", "gateway:rate:",
                "gateway.rate-limit.redis-timeout", "250ms",
                "gateway.rate-limit.lease-ttl", "1s",
                "gateway.rate-limit.fail-open-for", "1s"));
        if (maxLease != null) {
            properties.put("gateway.rate-limit.max-lease", maxLease);
        }
        return new Binder(new MapConfigurationPropertySource(properties))
                .bind("gateway", GatewayProperties.class)
                .get();
    }
}
