package com.distpatterns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.client.Cache;
import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.spring.DistpatternsAutoConfiguration;
import com.distpatterns.client.spring.SuiteCacheManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import tools.jackson.core.type.TypeReference;

/** The starter's {@code CacheManager} in a Spring Boot application, against cache-service. */
@ExtendWith(SharedSuite.class)
@Order(2)
class ClientCacheIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static ConfigurableApplicationContext app;
    static Orders orders;

    record Line(String sku, int quantity) {}

    record Purchase(String id, List<Line> lines, Map<String, String> tags) {}

    /** What an application writes: cached methods, nothing about the suite. */
    static class Orders {
        private final AtomicInteger computed = new AtomicInteger();

        /** Through a method: the bean is a CGLIB proxy, whose own fields are not the target's. */
        public int computed() {
            return computed.get();
        }

        @Cacheable(cacheNames = "client-orders", sync = true)
        public Purchase order(String id) throws InterruptedException {
            computed.incrementAndGet();
            Thread.sleep(300); // slow enough that every thread arrives while it computes
            return purchase(id);
        }

        @Cacheable("client-orders-plain")
        public Purchase plain(String id) {
            computed.incrementAndGet();
            return purchase(id);
        }

        @Cacheable("client-lines")
        public List<Line> lines(String id) {
            computed.incrementAndGet();
            return purchase(id).lines();
        }

        @Cacheable("client-optional")
        public Optional<Purchase> maybe(String id) {
            computed.incrementAndGet();
            return Optional.of(purchase(id));
        }

        @Cacheable("client-nothing")
        public Purchase nothing(String id) {
            computed.incrementAndGet();
            return null;
        }

        @Cacheable("client-short")
        public long stamp(String id) {
            return computed.incrementAndGet();
        }

        @CachePut(cacheNames = "client-orders-plain", key = "#purchase.id")
        public Purchase save(Purchase purchase) {
            return purchase;
        }

        @CacheEvict(cacheNames = "client-orders")
        public void forget(String id) {}

        static Purchase purchase(String id) {
            return new Purchase(id, List.of(new Line("apple", 3), new Line("pear", 1)), Map.of("channel", "web"));
        }
    }

    // Only the starter's auto-configuration: this test's classpath also carries every service's dependencies.
    @SpringBootConfiguration
    @ImportAutoConfiguration(DistpatternsAutoConfiguration.class)
    @EnableCaching
    static class App {
        @Bean
        Orders orders() {
            return new Orders();
        }
    }

    @BeforeAll
    static void startTheApplication() {
        app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(
                "distpatterns.url=" + SharedSuite.gateway("cache"),
                "distpatterns.api-key=" + SharedSuite.KEY,
                "distpatterns.cache.ttl.client-short=1s").run();
        orders = app.getBean(Orders.class);
    }

    @AfterAll
    static void stopTheApplication() {
        if (app != null) {
            app.close();
        }
    }

    private static String id(String what) {
        return what + "-" + RUN;
    }

    @Test
    void theStarterProvidesTheCacheManager() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .as("listed for Spring Boot to find").contains(DistpatternsAutoConfiguration.class.getName());
        assertThat(app.getBean(CacheManager.class)).isInstanceOf(SuiteCacheManager.class);
    }

    @Test
    void aCacheableMethodCalled100TimesFrom8ThreadsComputesOnceAndEvictMakesItComputeAgain() throws Exception {
        String id = id("sync");
        int before = orders.computed();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Purchase>> results = new ArrayList<>();
            for (int call = 0; call < 100; call++) {
                results.add(threads.submit(() -> {
                    start.await();
                    return orders.order(id);
                }));
            }
            start.countDown();
            for (Future<Purchase> result : results) {
                assertThat(result.get()).isEqualTo(Orders.purchase(id));
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(orders.computed() - before).as("computed once for 100 calls").isEqualTo(1);

        orders.forget(id);
        assertThat(orders.order(id)).isEqualTo(Orders.purchase(id));
        assertThat(orders.computed() - before).as("computed again after @CacheEvict").isEqualTo(2);
    }

    @Test
    void aRecordWithAListComesBackAsThatRecord() {
        String id = id("record");
        int before = orders.computed();
        Purchase first = orders.plain(id);
        Purchase second = orders.plain(id); // read back from cache-service, as JSON turned into the declared type
        assertThat(orders.computed() - before).isEqualTo(1);
        assertThat(second).isNotSameAs(first).isEqualTo(first);
        assertThat(second.lines().get(0)).isInstanceOf(Line.class);
    }

    @Test
    void genericAndOptionalReturnTypesComeBackTyped() {
        String id = id("generic");
        int before = orders.computed();
        orders.lines(id);
        List<Line> lines = orders.lines(id);
        assertThat(lines).containsExactly(new Line("apple", 3), new Line("pear", 1));
        orders.maybe(id);
        assertThat(orders.maybe(id)).contains(Orders.purchase(id));
        assertThat(orders.computed() - before).isEqualTo(2);
    }

    @Test
    void aNullResultIsCachedAsSpringsCachesDo() {
        String id = id("null");
        int before = orders.computed();
        assertThat(orders.nothing(id)).isNull();
        assertThat(orders.nothing(id)).isNull();
        assertThat(orders.computed() - before).isEqualTo(1);
        assertThat(app.getBean(CacheManager.class).getCache("client-nothing").get(id)).isNotNull()
                .extracting(org.springframework.cache.Cache.ValueWrapper::get).isNull();
    }

    @Test
    void cachePutStoresWhatTheMethodReturned() {
        String id = id("put");
        Purchase saved = new Purchase(id, List.of(new Line("fig", 9)), Map.of());
        orders.save(saved);
        int before = orders.computed();
        assertThat(orders.plain(id)).isEqualTo(saved);
        assertThat(orders.computed()).isEqualTo(before);
    }

    @Test
    void theTimeToLiveComesFromTheCachesProperty() throws Exception {
        String id = id("ttl");
        long first = orders.stamp(id);
        assertThat(orders.stamp(id)).isEqualTo(first);
        Thread.sleep(2200); // distpatterns.cache.ttl.client-short=1s
        assertThat(orders.stamp(id)).isGreaterThan(first);
    }

    @Test
    void thePlainCacheGetsPutsAndEvictsWithATimeToLive() throws Exception {
        Cache cache = app.getBean(DistpatternsClient.class).cache("client-plain");
        String key = id("a/b c"); // any text: travels percent-encoded
        cache.put(key, List.of(new Line("kiwi", 2)), Duration.ofSeconds(1));
        assertThat(cache.get(key, new TypeReference<List<Line>>() {})).contains(List.of(new Line("kiwi", 2)));
        Thread.sleep(2200);
        assertThat(cache.get(key, Line[].class)).isEmpty();
        cache.put(key, new Line("plum", 1));
        assertThat(cache.get(key, Line.class)).contains(new Line("plum", 1));
        cache.evict(key);
        assertThat(cache.get(key, Line.class)).isEmpty();
    }
}
