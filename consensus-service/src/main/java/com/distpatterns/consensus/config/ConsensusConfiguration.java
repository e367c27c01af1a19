package com.distpatterns.consensus.config;

import com.distpatterns.consensus.infra.InjectedDiskFault;
import com.distpatterns.consensus.infra.JsonValueEquivalence;
import com.distpatterns.consensus.infra.RaftMetrics;
import com.distpatterns.consensus.infra.driver.AutoCompaction;
import com.distpatterns.consensus.infra.driver.DriverSettings;
import com.distpatterns.consensus.core.Leases;
import com.distpatterns.consensus.infra.driver.RaftDriver;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.consensus.infra.store.StoreDirectory;
import com.distpatterns.consensus.infra.transport.LinkFaults;
import com.distpatterns.consensus.infra.transport.PeerAddress;
import com.distpatterns.consensus.infra.transport.PeerTransport;
import com.distpatterns.consensus.infra.watch.WatchHub;
import com.distpatterns.consensus.infra.watch.WatchSettings;
import com.distpatterns.consensus.infra.wal.DurableStorage;
import com.distpatterns.consensus.infra.wal.WriteFault;
import com.distpatterns.consensus.raft.RaftConfig;
import com.distpatterns.consensus.raft.Snapshot;
import com.netflix.appinfo.ApplicationInfoManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import tools.jackson.databind.json.JsonMapper;

/** Wires the Raft node: storage on disk, the peer transport, the driver (a SmartLifecycle), health and Eureka metadata. */
@Configuration
@EnableConfigurationProperties({ConsensusProperties.class, WatchProperties.class})
public class ConsensusConfiguration {

    /** The profile that enables the fault hooks tests use (cut links, a full disk). Never in production. */
    public static final String FAULT_INJECTION = "fault-injection";

    @Bean
    LinkFaults linkFaults() {
        return new LinkFaults();
    }

    @Bean
    @Profile(FAULT_INJECTION)
    InjectedDiskFault injectedDiskFault() {
        return new InjectedDiskFault();
    }

    /** Watches, fed by the driver after each Ready; a SmartLifecycle stopped before the web server's graceful shutdown. */
    @Bean
    WatchHub watchHub(WatchProperties properties) {
        return new WatchHub(new WatchSettings(properties.bufferEvents(), properties.progressInterval()));
    }

    @Bean(destroyMethod = "close")
    RaftDriver raftDriver(ConsensusProperties properties, JsonMapper json, LinkFaults faults, WatchHub watches,
            ObjectProvider<InjectedDiskFault> diskFault, ObjectProvider<ApplicationInfoManager> eureka)
            throws IOException {
        Map<Long, PeerAddress> peers = properties.peerAddresses();
        WriteFault writeFault = diskFault.getIfAvailable(() -> null);
        Optional<Snapshot> founding = properties.join() ? Optional.empty()
                : Optional.of(RaftDriver.foundingSnapshot(peers));
        DurableStorage storage = DurableStorage.open(Path.of(properties.dataDir()),
                properties.walSegmentSize().toBytes(),
                writeFault == null ? WriteFault.NONE : writeFault, founding);
        RaftConfig config = RaftConfig.defaults(properties.nodeId())
                .withTicks(properties.electionTicks(), properties.heartbeatTicks())
                .withMaxInflight(properties.maxInflight())
                .withMaxBatchBytes(properties.maxBatchSize().toBytes())
                .withSnapshotChunkBytes((int) properties.snapshotChunkSize().toBytes())
                // Restarts must not repeat the same election timeouts.
                .withRandomSeed(System.nanoTime() ^ properties.nodeId());
        DriverSettings settings = new DriverSettings(properties.tick(), properties.requestTimeout(),
                properties.snapshotEvery(),
                properties.snapshotKeepEntries(), properties.queueCapacity(), properties.snapshotEveryBytes().toBytes(),
                properties.snapshotKeepBytes().toBytes(), properties.maxPendingBytes().toBytes(),
                properties.quotaBytes().toBytes(),
                new AutoCompaction(properties.autoCompactionRetainRevisions(), properties.autoCompactionRetainTime()));
        StoreDirectory stores = new StoreDirectory(Path.of(properties.dataDir()),
                new MvccStore.Tuning(properties.blockCacheSize().toBytes(), properties.writeBufferSize().toBytes()),
                new JsonValueEquivalence(json));
        int maxFrame = (int) Math.max(64L << 20,
                2 * Math.max(properties.maxBatchSize().toBytes(), properties.snapshotChunkSize().toBytes()));
        ExecutorService metadataUpdates = Executors
                .newSingleThreadExecutor(Thread.ofPlatform().daemon().name("eureka-role").factory());
        // A SmartLifecycle: Spring starts it before Eureka registers this node and the web server opens, stops it after.
        return new RaftDriver(config, settings, storage, stores, peers,
                receiver -> new PeerTransport(properties.nodeId(), properties.raftPort(),
                        properties.sendQueueCapacity(), maxFrame,
                        faults, receiver),
                role -> metadataUpdates.execute(() -> eureka.ifAvailable(
                        manager -> manager.registerAppMetadata(Map.of("role", RaftDriver.roleName(role))))),
                watches::applied);
    }

    /** The Raft gauges the alert rules read (ops/prometheus/rules/suite.rules.yml). */
    /** Leases, served by the leader from any node (the API's and the elections' way in). */
    @Bean
    Leases leases(RaftDriver driver) {
        return driver.leases();
    }

    @Bean
    RaftMetrics raftMetrics(RaftDriver driver) {
        return new RaftMetrics(driver);
    }

    /** Readiness: UP while the node knows a leader (or is one) and its disk works. */
    @Bean
    HealthIndicator raftHealthIndicator(RaftDriver driver) {
        return () -> {
            Health.Builder health = driver.isServing() ? Health.up() : Health.down();
            return health.withDetail("nodeId", driver.id())
                    .withDetail("role", RaftDriver.roleName(driver.role()))
                    .withDetail("leaderId", driver.leaderId())
                    .withDetail("storage", driver.isStorageFailed() ? "failed" : "ok")
                    .build();
        };
    }

    /**
     * Keys are any UTF-8, '/' included: Tomcat refuses the encoded forms by default; passed through undecoded, they
     * stay inside the {key} path segment and Spring decodes them into the variable.
     */
    @Bean
    TomcatConnectorCustomizer slashesInKeys() {
        return connector -> {
            connector.setEncodedSolidusHandling("passthrough");
            connector.setEncodedReverseSolidusHandling("passthrough");
        };
    }
}
