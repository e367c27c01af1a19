package com.distpatterns.event.core;

import com.distpatterns.platform.outbound.OutboundUrlPolicy;
import com.distpatterns.platform.outbound.UrlNotAllowedException;
import com.distpatterns.platform.outbound.WebhookSecret;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable subscriptions: their definitions in the shared store, their queues on the broker, and this instance's
 * consumers delivering them. The store is the truth; {@link #reconcile()} brings the broker and the consumers of
 * this instance in line with it, so any instance that runs delivers every subscription.
 */
public final class Subscriptions {

    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);
    private static final Duration DETACH_WAIT = Duration.ofSeconds(2);

    private final SubscriptionStore store;
    private final SubscriptionQueues queues;
    private final SubscriptionDeliveries deliveries;
    private final DeliveryCounters counters;
    private final OutboundUrlPolicy urlPolicy;
    private final SecureRandom random;
    private final Clock clock;
    /** One change at a time on this instance, so reconciling never revives what a concurrent delete removes. */
    private final ReentrantLock changes = new ReentrantLock();
    private volatile boolean reconcileFailing;

    public Subscriptions(SubscriptionStore store, SubscriptionQueues queues, SubscriptionDeliveries deliveries,
            DeliveryCounters counters, OutboundUrlPolicy urlPolicy, SecureRandom random, Clock clock) {
        this.store = store;
        this.queues = queues;
        this.deliveries = deliveries;
        this.counters = counters;
        this.urlPolicy = urlPolicy;
        this.random = random;
        this.clock = clock;
    }

    /**
     * Creates the subscription, or points an existing one at a new pattern and webhook (keeping its secret and its
     * queue with whatever waits in it). Events published after this returns reach it.
     *
     * @throws WebhookNotAllowedException when the webhook URL may not be called
     */
    public SubscriptionChange put(SubscriptionName name, TopicPattern pattern, String webhookUrl) {
        URI url;
        try {
            url = urlPolicy.check(webhookUrl);
        } catch (UrlNotAllowedException e) {
            throw new WebhookNotAllowedException(e.getMessage());
        }
        changes.lock();
        try {
            return save(name, pattern, url);
        } finally {
            changes.unlock();
        }
    }

    private SubscriptionChange save(SubscriptionName name, TopicPattern pattern, URI url) {
        Optional<Subscription> existing = store.find(name);
        if (existing.isEmpty()) {
            Subscription fresh = new Subscription(name, pattern, url, WebhookSecret.generate(random), clock.instant());
            // Queues first: a stored definition then never names a queue that cannot be there.
            queues.declare(fresh);
            if (store.createIfAbsent(fresh)) {
                deliveries.attach(fresh);
                log.info("Subscription {} created: pattern {}, webhook {}", name, pattern, hostOf(url));
                return new SubscriptionChange(status(fresh), true);
            }
            // Another request created it meanwhile: this one becomes an update of it.
            existing = store.find(name);
            if (existing.isEmpty()) {
                return save(name, pattern, url);
            }
        }
        Subscription previous = existing.get();
        Subscription updated = previous.redirectedTo(pattern, url);
        queues.declare(updated);
        store.replace(updated);
        if (!previous.pattern().equals(pattern)) {
            queues.unbind(name, previous.pattern());
        }
        deliveries.attach(updated);
        if (!updated.equals(previous)) {
            log.info("Subscription {} updated: pattern {}, webhook {}", name, pattern, hostOf(url));
        }
        return new SubscriptionChange(status(updated), false);
    }

    /** @throws UnknownSubscriptionException when there is no such subscription */
    public SubscriptionStatus status(SubscriptionName name) {
        return status(store.find(name).orElseThrow(() -> new UnknownSubscriptionException(name)));
    }

    /**
     * The subscriptions in name order after {@code after} (none: from the first), at most {@code limit + 1} of them,
     * so the caller sees whether another page follows; each with its counts.
     */
    public List<SubscriptionStatus> list(SubscriptionName after, int limit) {
        return store.all().stream()
                .filter(subscription -> after == null || subscription.name().value().compareTo(after.value()) > 0)
                .sorted(Comparator.comparing(subscription -> subscription.name().value()))
                .limit(limit + 1L)
                .map(this::status)
                .toList();
    }

    /**
     * Removes the subscription, its queues and what waits in them.
     *
     * @throws UnknownSubscriptionException when there is no such subscription
     */
    public void delete(SubscriptionName name) {
        changes.lock();
        try {
            if (!store.delete(name)) {
                throw new UnknownSubscriptionException(name);
            }
            // Consumers gone first, as far as a delivery in flight allows, so none is cancelled under its feet.
            deliveries.detach(name).completeOnTimeout(null, DETACH_WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
            queues.delete(name);
            store.clearTombstone(name);
            counters.forget(name);
            log.info("Subscription {} deleted with its queues", name);
        } finally {
            changes.unlock();
        }
    }

    /**
     * Makes this instance deliver every stored subscription and nothing else, (re)declaring queues where a consumer
     * has to start, and finishes deletions another instance could not complete.
     */
    public void reconcile() {
        changes.lock();
        try {
            List<Subscription> defined = store.all();
            Set<SubscriptionName> names = new HashSet<>();
            for (Subscription subscription : defined) {
                names.add(subscription.name());
            }
            for (SubscriptionName tombstone : store.tombstones()) {
                if (!names.contains(tombstone)) {
                    deliveries.detach(tombstone);
                    queues.delete(tombstone);
                }
                store.clearTombstone(tombstone);
            }
            for (Subscription subscription : defined) {
                if (!deliveries.isRunning(subscription.name())) {
                    queues.declare(subscription);
                    // Another instance may have deleted it since it was read: then these queues must go again.
                    if (store.find(subscription.name()).isEmpty()) {
                        queues.delete(subscription.name());
                        names.remove(subscription.name());
                        continue;
                    }
                }
                deliveries.attach(subscription);
            }
            for (SubscriptionName attached : deliveries.attached()) {
                if (!names.contains(attached)) {
                    deliveries.detach(attached);
                    log.info("Subscription {} no longer exists: stopped delivering it here", attached);
                }
            }
            if (reconcileFailing) {
                reconcileFailing = false;
                log.info("Subscriptions reconciled again: delivering {} subscriptions", defined.size());
            }
        } catch (RuntimeException e) {
            if (!reconcileFailing) {
                reconcileFailing = true;
                log.warn("Cannot reconcile subscriptions, retrying: {}", e.toString());
            }
        } finally {
            changes.unlock();
        }
    }

    /** Adds the deliveries counted here to the shared counts. */
    public void flushCounters() {
        Map<SubscriptionName, Long> counts = counters.drain();
        if (counts.isEmpty()) {
            return;
        }
        try {
            store.addDelivered(counts);
        } catch (RuntimeException e) {
            counters.restore(counts);
            throw e;
        }
    }

    private SubscriptionStatus status(Subscription subscription) {
        QueueDepths depths = queues.depths(subscription.name());
        long delivered = store.delivered(subscription.name()) + counters.unflushed(subscription.name());
        return new SubscriptionStatus(subscription, delivered, depths.pending(), depths.deadLettered(),
                store.lastFailure(subscription.name()));
    }

    /** Logs name only the host: a webhook URL's path or query may hold a token. */
    private static String hostOf(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    }
}
