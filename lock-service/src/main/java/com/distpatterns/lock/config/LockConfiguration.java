package com.distpatterns.lock.config;

import com.distpatterns.lock.core.LockEvents;
import com.distpatterns.lock.core.LockService;
import com.distpatterns.lock.core.LockStore;
import com.distpatterns.lock.core.WaitingRoom;
import com.distpatterns.lock.infra.MicrometerLockEvents;
import com.distpatterns.lock.infra.RedisLockStore;
import com.distpatterns.lock.infra.ReplicaAcknowledgement;
import com.distpatterns.lock.infra.WakeUpListener;
import com.distpatterns.lock.infra.WakeUpSubscription;
import io.lettuce.core.ClientOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/** Wires the lock service: one Redis store, one wake-up subscription per instance, the waiting room. */
@Configuration(proxyBeanMethods = false)
public class LockConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LockConfiguration.class);

    /** Names this instance's wake-up channel; new on every start, so a restarted instance hears nothing stale. */
    @Bean
    InstanceIdentity instanceIdentity() {
        return new InstanceIdentity(UUID.randomUUID().toString());
    }

    /** Fail fast while Redis is unreachable instead of queueing commands until they time out: a prompt 503. */
    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }

    @Bean
    WaitingRoom waitingRoom() {
        return new WaitingRoom();
    }

    @Bean
    @ConditionalOnBooleanProperty("lock.replica-acknowledgement.enabled")
    ReplicaAcknowledgement replicaAcknowledgement(LockProperties properties, RedisConnectionFactory connections) {
        LockProperties.ReplicaAcknowledgement settings = properties.replicaAcknowledgement();
        if (!(connections instanceof LettuceConnectionFactory shared)) {
            throw new IllegalStateException("lock.replica-acknowledgement needs the Lettuce Redis client");
        }
        if (shared.getClusterConfiguration() != null) {
            throw new IllegalStateException(
                    "lock.replica-acknowledgement is not supported on Redis Cluster; turn it off");
        }
        LettuceConnectionFactory dedicated = shared.getSentinelConfiguration() != null
                ? new LettuceConnectionFactory(shared.getSentinelConfiguration(), shared.getClientConfiguration())
                : new LettuceConnectionFactory(shared.getStandaloneConfiguration(), shared.getClientConfiguration());
        dedicated.setShareNativeConnection(false);
        dedicated.afterPropertiesSet();
        dedicated.start();
        log.info("Lock grants wait for {} replica(s), up to {} ms each", settings.replicas(),
                settings.timeout().toMillis());
        return new ReplicaAcknowledgement(dedicated, settings.connections(), settings.replicas(), settings.timeout());
    }

    @Bean
    LockStore lockStore(LockProperties properties, RedisConnectionFactory connections, InstanceIdentity instance,
            WaitingRoom waitingRoom, ObjectProvider<ReplicaAcknowledgement> replicaAcknowledgement) {
        requireCommandTimeouts(connections);
        return new RedisLockStore(connections, properties.keyPrefix(), instance.id(), waitingRoom,
                replicaAcknowledgement.getIfAvailable());
    }

    @Bean
    LockEvents lockEvents(MeterRegistry registry) {
        return new MicrometerLockEvents(registry);
    }

    @Bean
    LockService lockService(LockStore store, WaitingRoom waitingRoom, LockEvents events, InstanceIdentity instance,
            LockProperties properties) {
        return new LockService(store, waitingRoom, events, instance.id(), properties.defaultTtl(),
                properties.pollInterval(), properties.presenceTtl());
    }

    /** The one subscription connection of this instance; every local waiter is woken through it. */
    @Bean
    RedisMessageListenerContainer wakeUpSubscription(RedisConnectionFactory connections, WaitingRoom waitingRoom,
            InstanceIdentity instance, LockProperties properties) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        container.addMessageListener(new WakeUpListener(waitingRoom),
                new ChannelTopic(RedisLockStore.wakeChannel(properties.keyPrefix(), instance.id())));
        container.setRecoveryInterval(properties.pollInterval().toMillis());
        // Waking a waiter only releases a semaphore: do it on the connection's own thread. The default executor
        // starts a new thread per message, which would be most of the cost of a hand-off.
        container.setTaskExecutor(Runnable::run);
        container.setAutoStartup(false);
        return container;
    }

    @Bean
    WakeUpSubscription wakeUpSubscriptionStarter(RedisMessageListenerContainer wakeUpSubscription,
            LockProperties properties) {
        return new WakeUpSubscription(wakeUpSubscription, properties.pollInterval());
    }

    /**
     * The store waits for Redis without a timeout of its own, so Lettuce must expire commands itself (its
     * {@code TimeoutOptions}: on by default, and Spring Boot turns them on with {@code spring.data.redis.timeout}).
     */
    static void requireCommandTimeouts(RedisConnectionFactory connections) {
        boolean expiring = connections instanceof LettuceConnectionFactory lettuce && lettuce.getClientConfiguration()
                .getClientOptions().map(options -> options.getTimeoutOptions().isTimeoutCommands()).orElse(true);
        if (!expiring) {
            throw new IllegalStateException("lock-service needs the Lettuce Redis client with command timeouts"
                    + " (ClientOptions.timeoutOptions), which bound every Redis call it makes");
        }
    }

    /** This instance's identity among the lock service's instances. */
    public record InstanceIdentity(String id) {}
}
