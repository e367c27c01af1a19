package com.distpatterns.event.infra;

import com.distpatterns.platform.redis.LuaScripts;
import com.distpatterns.event.core.DeliveryFailure;
import com.distpatterns.event.core.Subscription;
import com.distpatterns.event.core.SubscriptionName;
import com.distpatterns.event.core.SubscriptionStore;
import com.distpatterns.event.core.TopicPattern;
import com.distpatterns.platform.outbound.WebhookSecret;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Subscription definitions as JSON in one Redis hash (name -> definition, secret included: it is needed to sign
 * every delivery), delivery counts in another, and a set of tombstones for deletions whose queues may remain.
 */
public final class RedisSubscriptionStore implements SubscriptionStore {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscriptionStore.class);

    /** Removes a definition and its count and leaves a tombstone, all or nothing. */
    private static final RedisScript<Long> DELETE = LuaScripts.load("subscription-delete", Long.class);
    /** Records a failure only for a subscription that still exists. */
    private static final RedisScript<Long> RECORD_FAILURE = LuaScripts.load("subscription-failure", Long.class);
    /** Adds counts only to subscriptions that still exist, so a late flush cannot resurrect a deleted one's count. */
    private static final RedisScript<Long> ADD_DELIVERED = LuaScripts.load("subscription-delivered", Long.class);

    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final String definitionsKey;
    private final String deliveredKey;
    private final String tombstonesKey;
    private final String failuresKey;

    public RedisSubscriptionStore(StringRedisTemplate redis, JsonMapper json, String keyPrefix) {
        this.redis = redis;
        this.json = json;
        this.definitionsKey = keyPrefix + "subscriptions";
        this.deliveredKey = keyPrefix + "delivered";
        this.tombstonesKey = keyPrefix + "tombstones";
        this.failuresKey = keyPrefix + "last-failure";
    }

    /** The stored form; never logged, since it holds the secret. */
    record StoredSubscription(String name, String pattern, String webhookUrl, String secret, Instant createdAt) {

        static StoredSubscription of(Subscription subscription) {
            return new StoredSubscription(subscription.name().value(), subscription.pattern().value(),
                    subscription.webhookUrl().toString(), subscription.secret().value(), subscription.createdAt());
        }

        Subscription toSubscription() {
            return new Subscription(new SubscriptionName(name), new TopicPattern(pattern), URI.create(webhookUrl),
                    new WebhookSecret(secret), createdAt);
        }
    }

    @Override
    public Optional<Subscription> find(SubscriptionName name) {
        Object stored = redis.opsForHash().get(definitionsKey, name.value());
        return stored == null ? Optional.empty() : read(stored.toString());
    }

    @Override
    public boolean createIfAbsent(Subscription subscription) {
        return Boolean.TRUE.equals(
                redis.opsForHash().putIfAbsent(definitionsKey, subscription.name().value(), write(subscription)));
    }

    @Override
    public void replace(Subscription subscription) {
        redis.opsForHash().put(definitionsKey, subscription.name().value(), write(subscription));
    }

    @Override
    public boolean delete(SubscriptionName name) {
        Long deleted = redis.execute(DELETE, List.of(definitionsKey, deliveredKey, tombstonesKey, failuresKey),
                name.value());
        return deleted != null && deleted == 1;
    }

    @Override
    public List<Subscription> all() {
        List<Subscription> subscriptions = new ArrayList<>();
        for (Object stored : redis.opsForHash().values(definitionsKey)) {
            read(stored.toString()).ifPresent(subscriptions::add);
        }
        return subscriptions;
    }

    @Override
    public Set<SubscriptionName> tombstones() {
        Set<String> members = redis.opsForSet().members(tombstonesKey);
        Set<SubscriptionName> names = new LinkedHashSet<>();
        if (members != null) {
            members.forEach(member -> names.add(new SubscriptionName(member)));
        }
        return names;
    }

    @Override
    public void clearTombstone(SubscriptionName name) {
        redis.opsForSet().remove(tombstonesKey, name.value());
    }

    @Override
    public long delivered(SubscriptionName name) {
        Object count = redis.opsForHash().get(deliveredKey, name.value());
        return count == null ? 0 : Long.parseLong(count.toString());
    }

    @Override
    public void addDelivered(Map<SubscriptionName, Long> counts) {
        List<String> args = new ArrayList<>();
        counts.forEach((name, count) -> {
            args.add(name.value());
            args.add(Long.toString(count));
        });
        redis.execute(ADD_DELIVERED, List.of(definitionsKey, deliveredKey), args.toArray());
    }

    @Override
    public void recordFailure(SubscriptionName name, DeliveryFailure failure) {
        redis.execute(RECORD_FAILURE, List.of(definitionsKey, failuresKey), name.value(),
                json.writeValueAsString(failure));
    }

    @Override
    public Optional<DeliveryFailure> lastFailure(SubscriptionName name) {
        Object stored = redis.opsForHash().get(failuresKey, name.value());
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(stored.toString(), DeliveryFailure.class));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private String write(Subscription subscription) {
        return json.writeValueAsString(StoredSubscription.of(subscription));
    }

    private Optional<Subscription> read(String stored) {
        try {
            return Optional.of(json.readValue(stored, StoredSubscription.class).toSubscription());
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            log.warn("Skipping an unreadable subscription definition in {}: {}", definitionsKey,
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
