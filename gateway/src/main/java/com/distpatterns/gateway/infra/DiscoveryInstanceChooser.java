package com.distpatterns.gateway.infra;

import com.distpatterns.gateway.core.InstanceChooser;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Round-robin over each service's instances as discovery lists them, the list re-read at most once per
 * {@code refresh}: what Spring Cloud LoadBalancer's default does (round-robin over the discovery client's list,
 * cached), without its per-call chain. A call costs a map look-up and an increment.
 *
 * <p>The discovery client answers from memory (Eureka's client keeps the registry it fetches every few seconds), so
 * re-reading it on a request's thread is cheap. An empty list is not kept: while a service has no instance, every
 * call asks again, so the first instance to register is used as soon as discovery knows it.
 */
public final class DiscoveryInstanceChooser implements InstanceChooser {

    /**
     * The turn goes over the instances in one order, whatever order discovery lists them in: Eureka's client
     * shuffles its list on every fetch, so a retry that took the next turn after a failed call could land on the
     * same instance again.
     */
    private static final Comparator<ServiceInstance> STABLE = Comparator
            .comparing((ServiceInstance instance) -> String.valueOf(instance.getInstanceId()))
            .thenComparing(ServiceInstance::getHost).thenComparingInt(ServiceInstance::getPort);

    private final DiscoveryClient discovery;
    private final long refreshNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, Service> services = new ConcurrentHashMap<>();

    public DiscoveryInstanceChooser(DiscoveryClient discovery, Duration refresh, LongSupplier nanoClock) {
        this.discovery = discovery;
        this.refreshNanos = refresh.toNanos();
        this.nanoClock = nanoClock;
    }

    @Override
    public ServiceInstance choose(String serviceId) {
        Service service = services.computeIfAbsent(serviceId, id -> new Service());
        Listing listing = service.listing;
        long now = nanoClock.getAsLong();
        if (listing == null || now - listing.readAt() >= refreshNanos) {
            // Two threads may read at once: both read the same registry, and either listing will do.
            listing = new Listing(discovery.getInstances(serviceId).stream().sorted(STABLE).toList(), now);
            service.listing = listing.instances().isEmpty() ? null : listing;
        }
        List<ServiceInstance> instances = listing.instances();
        if (instances.isEmpty()) {
            return null;
        }
        return instances.get(Math.floorMod(service.next.getAndIncrement(), instances.size()));
    }

    /** A service's instances as read from discovery, and when. */
    private record Listing(List<ServiceInstance> instances, long readAt) {}

    /** One service's listing and turn. */
    private static final class Service {
        // A random first turn, as Spring Cloud LoadBalancer's round-robin: replicas do not all start on one instance.
        final AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(1000));
        volatile Listing listing;
    }
}
