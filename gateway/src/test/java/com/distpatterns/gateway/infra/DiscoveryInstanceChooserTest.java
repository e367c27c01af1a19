package com.distpatterns.gateway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

class DiscoveryInstanceChooserTest {

    /** An in-memory registry that counts how often it is read. */
    static final class Registry implements DiscoveryClient {
        final Map<String, List<ServiceInstance>> instances = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        void register(String service, int... ports) {
            List<ServiceInstance> list = new ArrayList<>();
            for (int port : ports) {
                list.add(new DefaultServiceInstance(service + ":" + port, service, "127.0.0.1", port, false));
            }
            instances.put(service, list);
        }

        @Override
        public String description() {
            return "in-memory";
        }

        @Override
        public List<ServiceInstance> getInstances(String serviceId) {
            reads.incrementAndGet();
            return instances.getOrDefault(serviceId, List.of());
        }

        @Override
        public List<String> getServices() {
            return List.copyOf(instances.keySet());
        }
    }

    final Registry registry = new Registry();
    final AtomicLong now = new AtomicLong();
    final DiscoveryInstanceChooser chooser = new DiscoveryInstanceChooser(registry, Duration.ofSeconds(5), now::get);

    @Test
    void callsGoToEachInstanceInTurn() {
        registry.register("cache-service", 1001, 1002, 1003);

        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ports.add(chooser.choose("cache-service").getPort());
        }

        assertThat(ports.subList(0, 3)).containsExactlyInAnyOrder(1001, 1002, 1003);
        assertThat(ports.subList(3, 6)).isEqualTo(ports.subList(0, 3));
        assertThat(chooser.choose("cache-service").getUri()).isIn(URI.create("http://127.0.0.1:1001"),
                URI.create("http://127.0.0.1:1002"), URI.create("http://127.0.0.1:1003"));
    }

    @Test
    void discoveryIsReadOncePerRefreshAndItsChangesSeenAfter() {
        registry.register("lock-service", 2001);
        assertThat(chooser.choose("lock-service").getPort()).isEqualTo(2001);
        registry.register("lock-service", 2002);

        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(chooser.choose("lock-service").getPort()).as("within the refresh: the list read before")
                .isEqualTo(2001);
        assertThat(registry.reads).hasValue(1);

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(chooser.choose("lock-service").getPort()).isEqualTo(2002);
        assertThat(registry.reads).hasValue(2);
    }

    @Test
    void aServiceWithoutInstancesIsAskedForAgainOnEveryCallUntilOneRegisters() {
        assertThat(chooser.choose("task-service")).isNull();
        assertThat(chooser.choose("task-service")).isNull();
        assertThat(registry.reads).as("an empty list is not kept").hasValue(2);

        registry.register("task-service", 3001);
        assertThat(chooser.choose("task-service").getPort()).as("seen at once, within the refresh")
                .isEqualTo(3001);
        chooser.choose("task-service");
        assertThat(registry.reads).as("a list with instances is kept").hasValue(3);
    }

    @Test
    void theTurnAlternatesWhateverOrderDiscoveryListsTheInstancesIn() {
        DiscoveryInstanceChooser everyCall = new DiscoveryInstanceChooser(registry, Duration.ZERO, now::get);
        registry.register("consensus-service", 5001, 5002);
        int first = everyCall.choose("consensus-service").getPort();

        registry.register("consensus-service", 5002, 5001);
        assertThat(everyCall.choose("consensus-service").getPort()).as("a retry after a failed call goes elsewhere")
                .isNotEqualTo(first);
        registry.register("consensus-service", 5001, 5002);
        assertThat(everyCall.choose("consensus-service").getPort()).isEqualTo(first);
    }

    @Test
    void anInstanceThatLeavesIsDroppedAtTheNextRefresh() {
        registry.register("event-service", 4001, 4002);
        chooser.choose("event-service");
        registry.register("event-service", 4002);

        now.addAndGet(Duration.ofSeconds(5).toNanos());
        for (int i = 0; i < 4; i++) {
            assertThat(chooser.choose("event-service").getPort()).isEqualTo(4002);
        }
    }
}
