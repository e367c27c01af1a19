package com.distpatterns.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"req-123", "a", "A.b_c:d-9", "4bf92f3577b34da6a3ce929d0e0e4736"})
    void aSaneIdIsKept(String id) {
        assertThat(RequestIds.keepOrCreate(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a/b", "x\ny", "é", "<script>"})
    void anythingElseIsReplacedByAFreshId(String id) {
        assertThat(RequestIds.keepOrCreate(id)).isNotEqualTo(id).hasSize(36);
    }

    @org.junit.jupiter.api.Test
    void atMost128Characters() {
        assertThat(RequestIds.keepOrCreate("a".repeat(128))).hasSize(128);
        assertThat(RequestIds.keepOrCreate("a".repeat(129))).hasSize(36);
        assertThat(RequestIds.keepOrCreate(null)).hasSize(36);
    }
}
