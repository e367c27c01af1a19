package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathGuardFilterTest {

  @ParameterizedTest
  @ValueSource(strings = {"/api/a/../actuator", "/api/a/./b", "/api/a/..", "/api/a%2Fb", "/api/%2e%2e/x",
      "/api//x", "/api/a%5cb", "/api/a;jsessionid=1", "/.."})
  void refusesPathsThatCouldMeanSomethingElseDownstream(String path) {
    assertThat(PathGuardFilter.ambiguous(path)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/caches/users/entries/alice", "/api/locks/orders.v1:eu/acquire", "/api/kv/a.b",
      "/api/caches/c/entries/%C3%A9t%C3%A9", "/actuator/health"})
  void letsOrdinaryPathsThrough(String path) {
    assertThat(PathGuardFilter.ambiguous(path)).isFalse();
  }
}
