package com.distpatterns.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.cache.core.SquareComputation;
import com.distpatterns.platform.test.DisabledOnRedisCluster;
import com.distpatterns.platform.test.Endpoint;
import com.distpatterns.platform.test.TcpProxy;
import com.distpatterns.platform.test.TestInfrastructure;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances of the service sharing one Redis, started by hand as two application contexts. Instance B reaches
 * Redis through a {@link TcpProxy} so that a test can take Redis away from it alone.
 */
class TwoInstancesTest {

  private static final String PREFIX = "test-" + UUID.randomUUID() + ":";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long READY_WITHIN_MILLIS = 120_000;

  private static TcpProxy proxy;
  private static ConfigurableApplicationContext instanceA;
  private static ConfigurableApplicationContext instanceB;
  private static CacheClient a;
  private static CacheClient b;

  @BeforeAll
  static void startTwoInstances() throws Exception {
    Map<String, Object> direct = new HashMap<>(TestInfrastructure.redisProperties());
    direct.put("spring.data.redis.timeout", "5s"); // generous on this shared, often overloaded machine
    instanceA = start(direct);

    // B's answers while Redis is away are 503 after this timeout (1 s in production, longer here so that a busy
    // machine does not turn slow answers into failures before the outage).
    // On a Redis Cluster there is no one server to proxy: B goes direct, and the outage test is skipped.
    if (TestInfrastructure.redisCluster()) {
      instanceB = start(direct);
    } else {
      Endpoint redis = TestInfrastructure.redis();
      proxy = new TcpProxy(redis.host(), redis.port());
      instanceB = start(Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", proxy.port(),
          "spring.data.redis.timeout", "3s"));
    }

    a = new CacheClient(port(instanceA));
    b = new CacheClient(port(instanceB));
    awaitReady(a);
    awaitReady(b);
  }

  private static ConfigurableApplicationContext start(Map<String, Object> redis) {
    Map<String, Object> properties = new HashMap<>(redis);
    properties.put("server.port", 0);
    properties.put("eureka.client.enabled", false);
    properties.put("cache.key-prefix", PREFIX);
    // As command-line arguments: SpringApplicationBuilder.properties() would rank below application.yml.
    String[] arguments = properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue()).toArray(String[]::new);
    return new SpringApplicationBuilder(CacheServiceApplication.class).run(arguments);
  }

  private static int port(ConfigurableApplicationContext context) {
    return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  private static void awaitReady(CacheClient client) throws InterruptedException {
    long deadline = System.currentTimeMillis() + READY_WITHIN_MILLIS;
    while (client.get("/actuator/health/readiness").statusCode() != 200) {
      assertThat(System.currentTimeMillis()).as("ready in time").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (instanceA != null) {
      instanceA.close();
    }
    if (instanceB != null) {
      instanceB.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void statisticsAreTrueAcrossInstances() {
    String cache = "shared-" + UUID.randomUUID();
    a.put(cache, "k", "{\"v\":1}");

    assertThat(a.get("/api/caches/" + cache + "/entries/k").statusCode()).isEqualTo(200);
    assertThat(b.get("/api/caches/" + cache + "/entries/k").body()).isEqualTo("{\"v\":1}");
    assertThat(b.get("/api/caches/" + cache + "/entries/other").statusCode()).isEqualTo(404);
    b.put(cache, "k2", "2");

    for (CacheClient instance : List.of(a, b)) {
      JsonNode statistics = JSON.readTree(instance.get("/api/caches/" + cache).body());
      assertThat(statistics.get("hits").asLong()).isEqualTo(2);
      assertThat(statistics.get("misses").asLong()).isEqualTo(1);
      assertThat(statistics.get("entries").asLong()).isEqualTo(2);
    }
  }

  @Test
  void fiftyConcurrentFirstRequestsAcrossTwoInstancesComputeOnce() throws Exception {
    long n = ThreadLocalRandom.current().nextLong(1_000_000_000L, 3_000_000_000L);
    long computedBefore = computations();

    List<Future<HttpResponse<String>>> calls = new ArrayList<>();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 50; i++) {
        CacheClient instance = i % 2 == 0 ? a : b;
        calls.add(callers.submit(() -> instance.get("/api/compute/square/" + n)));
      }
    }

    int computedHere = 0;
    for (Future<HttpResponse<String>> call : calls) {
      HttpResponse<String> answer = call.get();
      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode square = JSON.readTree(answer.body());
      assertThat(square.get("n").asLong()).isEqualTo(n);
      assertThat(square.get("result").bigIntegerValue()).isEqualTo(BigInteger.valueOf(n).pow(2));
      if (!square.get("cached").asBoolean()) {
        computedHere++;
      }
    }
    assertThat(computations() - computedBefore).as("computations across both instances").isEqualTo(1);
    assertThat(computedHere).as("answers not served from Redis").isEqualTo(1);
    assertThat(JSON.readTree(b.get("/api/compute/square/" + n).body()).get("cached").asBoolean()).isTrue();
  }

  @Test
  @DisabledOnRedisCluster("B's Redis is cut through a TcpProxy, which stands for one server")
  void withoutRedisAnInstanceAnswers503AndIsNotReadyThenRecoversByItself() throws Exception {
    String cache = "outage-" + UUID.randomUUID();
    assertThat(b.put(cache, "k", "1").statusCode()).isEqualTo(204);

    proxy.cut();
    try {
      assertUnavailable(b.get("/api/caches/" + cache + "/entries/k"));
      assertUnavailable(b.put(cache, "k", "2"));
      assertUnavailable(b.get("/api/caches/" + cache));
      assertUnavailable(b.get("/api/compute/square/12"));
      HttpResponse<String> readiness = b.get("/actuator/health/readiness");
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(readiness.body()).get("status").asString()).isEqualTo("DOWN");
      assertThat(b.get("/actuator/health/liveness").statusCode()).as("alive, only not ready").isEqualTo(200);
      assertThat(a.get("/api/caches/" + cache + "/entries/k").statusCode()).as("the other instance still serves").isEqualTo(200);
    } finally {
      proxy.restore();
    }

    awaitReady(b);
    HttpResponse<String> back = b.get("/api/caches/" + cache + "/entries/k");
    assertThat(back.statusCode()).isEqualTo(200);
    assertThat(back.body()).isEqualTo("1");
  }

  private static void assertUnavailable(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    assertThat(JSON.readTree(answer.body()).get("detail").asString()).isNotBlank();
  }

  private static long computations() {
    return instanceA.getBean(SquareComputation.class).computations() + instanceB.getBean(SquareComputation.class).computations();
  }
}
