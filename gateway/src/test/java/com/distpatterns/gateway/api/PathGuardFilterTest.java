package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathGuardFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"/api/a/../actuator", "/api/a/./b", "/api/a/..", "/api/a%2Fb", "/api/%2e%2e/x",
            "/api//x", "/api/a%5cb", "/api/a;jsessionid=1", "/..", "/api/caches/..%2F..%2Factuator/entries/k",
            "/api/caches/c/entries/%2e%2e", "/api/kv/%2E", "/api/kv/a%2Fb/../x", "/api/locks/a%2Fb/acquire"})
    void refusesPathsThatCouldMeanSomethingElseDownstream(String path) {
        assertThat(PathGuardFilter.ambiguous(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/caches/users/entries/alice", "/api/locks/orders.v1:eu/acquire", "/api/kv/a.b",
            "/api/caches/c/entries/%C3%A9t%C3%A9", "/actuator/health", "/api/caches/c/entries/a%2Fb%5Cc",
            "/api/kv/orders%2F2026%2F1", "/api/kv/a%2Fb/cas"})
    void letsOrdinaryPathsThrough(String path) {
        assertThat(PathGuardFilter.ambiguous(path)).isFalse();
    }
}
