package com.distpatterns.consensus.infra;

import com.distpatterns.consensus.core.ClusterStatus;
import com.distpatterns.consensus.core.ReplicatedStore;
import com.distpatterns.consensus.infra.driver.RaftDriver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The gauges an operator alerts on (ops/prometheus/rules): whether this node leads, whether it knows a leader,
 * its term and indexes, and on the leader how far the slowest member's log trails the commit index.
 *
 * <p>Term and indexes come from one status query through the driver's queue, shared by every gauge of one scrape
 * (a snapshot younger than {@link #FRESH}), bounded by {@link #TIMEOUT} so a stuck driver never hangs a scrape:
 * then the gauges read NaN, which Prometheus stores as "no value", and the no-leader alert still fires from
 * {@code consensus_raft_leader_known}, read without the queue.
 */
public final class RaftMetrics implements MeterBinder {

    static final Duration FRESH = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final RaftDriver driver;
    private final ReplicatedStore store;
    private volatile Snapshot last = new Snapshot(null, 0);

    public RaftMetrics(RaftDriver driver) {
        this.driver = driver;
        this.store = driver;
    }

    private record Snapshot(ClusterStatus status, long takenAtNanos) {}

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("consensus.raft.leader", driver, d -> "leader".equals(RaftDriver.roleName(d.role())) ? 1 : 0)
                .description("1 on the node that is the Raft leader, 0 elsewhere").register(registry);
        Gauge.builder("consensus.raft.leader.known", driver, d -> d.leaderId() != 0 ? 1 : 0)
                .description("1 while this node knows a leader (or is it)").register(registry);
        Gauge.builder("consensus.raft.leader.id", driver, RaftDriver::leaderId)
                .description("The id of the leader this node follows, 0 when none is known").register(registry);
        status(registry, "consensus.raft.term", "The Raft term this node is in", ClusterStatus::term);
        status(registry, "consensus.raft.commit.index", "The highest log index known committed",
                ClusterStatus::commitIndex);
        status(registry, "consensus.raft.applied.index", "The highest log index applied to the store",
                ClusterStatus::lastApplied);
        status(registry, "consensus.raft.follower.max.lag",
                "On the leader: entries the slowest other member's log trails the commit index by; 0 elsewhere",
                RaftMetrics::maxFollowerLag);
        Gauge.builder("consensus.leases", driver, RaftDriver::leaseCount)
                .description("Leases with an expiry deadline on this node (on the leader: every lease)")
                .register(registry);
        Gauge.builder("consensus.store.size", driver, RaftDriver::storeBytes).baseUnit("bytes")
                .description("The store's size on disk").register(registry);
    }

    private void status(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ClusterStatus> value) {
        Gauge.builder(name, this, metrics -> {
            ClusterStatus status = metrics.current();
            return status == null ? Double.NaN : value.applyAsDouble(status);
        }).description(description).register(registry);
    }

    static double maxFollowerLag(ClusterStatus status) {
        if (!"leader".equals(status.role())) {
            return 0;
        }
        return status.members().stream()
                .filter(member -> member.id() != status.nodeId())
                .map(ClusterStatus.Member::matchIndex)
                .filter(Objects::nonNull)
                .mapToLong(match -> Math.max(0, status.commitIndex() - match))
                .max().orElse(0);
    }

    private ClusterStatus current() {
        Snapshot snapshot = last;
        long now = System.nanoTime();
        if (snapshot.status() != null && now - snapshot.takenAtNanos() < FRESH.toNanos()) {
            return snapshot.status();
        }
        try {
            ClusterStatus status = store.status().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            last = new Snapshot(status, now);
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
