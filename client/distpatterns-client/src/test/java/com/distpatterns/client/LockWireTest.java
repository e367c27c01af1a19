package com.distpatterns.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The hand-written lock bodies are JSON any parser reads back to the same values; the lease reader reads any JSON. */
class LockWireTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void anAcquireBodyCarriesAnyOwnerTextIntact() {
        String owner = "host/42/worker \"quoted\" back\\slash\ttab\u0001ctl é ✓ 😀";

        JsonNode body = json.readTree(LockWire.acquire(10_000, 250, owner));

        assertThat(body.get("ttlMs").asLong()).isEqualTo(10_000);
        assertThat(body.get("waitMs").asLong()).isEqualTo(250);
        assertThat(body.get("owner").asString()).isEqualTo(owner);
        assertThat(body.size()).isEqualTo(3);
    }

    @Test
    void renewAndReleaseBodiesCarryTheLease() {
        JsonNode renew = json.readTree(LockWire.renew("a\"b", 3_000));
        JsonNode release = json.readTree(LockWire.release("LC26V8grJi3xcHEd47iXQQ"));

        assertThat(renew.get("leaseId").asString()).isEqualTo("a\"b");
        assertThat(renew.get("ttlMs").asLong()).isEqualTo(3_000);
        assertThat(release.get("leaseId").asString()).isEqualTo("LC26V8grJi3xcHEd47iXQQ");
        assertThat(release.size()).isEqualTo(1);
    }

    @Test
    void aGrantIsReadWhateverItsFieldOrderEscapesAndExtraFields() {
        String grant = "{\"expiresAt\":\"2026-12-03T07:19:35.103Z\",\"extra\":{\"nested\":[1,{\"leaseId\":\"no\"}]},"
                + "\"fencingToken\":9007199254740993,\"name\":\"a\\\"b\",\"leaseId\":\"L\\u0041\"}";

        LockWire.Lease lease = LockWire.lease(json.tokenStreamFactory(), grant.getBytes(StandardCharsets.UTF_8));

        assertThat(lease.leaseId()).isEqualTo("LA");
        assertThat(lease.fencingToken()).isEqualTo(9007199254740993L);
    }

    @Test
    void aGrantWithoutItsLeaseIsAnError() {
        assertThatThrownBy(() -> LockWire.lease(json.tokenStreamFactory(),
                "{\"fencingToken\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SuiteException.class).hasMessageContaining("without leaseId");
        assertThatThrownBy(() -> LockWire.lease(json.tokenStreamFactory(), "[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SuiteException.class);
    }
}
