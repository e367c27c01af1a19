package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.ClusterStatus;
import com.distpatterns.consensus.raft.ConfState;
import com.distpatterns.consensus.raft.RaftNode;
import com.distpatterns.consensus.raft.Role;
import com.distpatterns.consensus.raft.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node says about itself: the leader and role as of the last turn, role changes (to the log and the
 * listener that puts them in Eureka's metadata), and the cluster status that {@code GET /api/cluster} and
 * membership changes answer with.
 *
 * <p>Threads: written and computed on the driver thread only; the published leader and role are volatile, read by
 * any thread (health, metrics, the API's {@code isServing}). The listener is called on the driver thread.
 */
final class StatusReporter {

    private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);

    private final long selfId;
    private final RaftNode node;
    private final AddressBook addresses;
    private final StoreApplier applier;
    private final long quotaBytes;
    private final Consumer<Role> roleListener;
    private volatile long knownLeader = RaftNode.NONE;
    private volatile Role publishedRole = Role.FOLLOWER;
    private long lastLeader = RaftNode.NONE;
    private Role lastRole = Role.FOLLOWER;

    StatusReporter(long selfId, RaftNode node, AddressBook addresses, StoreApplier applier, long quotaBytes,
            Consumer<Role> roleListener) {
        this.selfId = selfId;
        this.node = node;
        this.addresses = addresses;
        this.applier = applier;
        this.quotaBytes = quotaBytes;
        this.roleListener = roleListener;
    }

    /** At the end of each turn: publishes the leader and role, and tells of a change. */
    void publish() {
        long leader = node.leaderId();
        Role role = node.role();
        knownLeader = leader;
        publishedRole = role;
        if (leader == lastLeader && role == lastRole) {
            return;
        }
        if (role == Role.LEADER && lastRole != Role.LEADER) {
            log.info("Node {} became leader in term {}", selfId, node.term());
        } else if (leader != RaftNode.NONE && leader != lastLeader) {
            log.info("Node {} is {} of leader {} in term {}", selfId, role.name().toLowerCase(), leader, node.term());
        } else if (leader == RaftNode.NONE && lastLeader != RaftNode.NONE) {
            log.info("Node {} lost its leader; now {} in term {}", selfId, role.name().toLowerCase(), node.term());
        }
        if (role != lastRole) {
            roleListener.accept(role);
        }
        lastLeader = leader;
        lastRole = role;
    }

    /** A node whose storage failed takes no part any more: it knows no leader. */
    void stopServing() {
        knownLeader = RaftNode.NONE;
    }

    /** The leader this node knows of as of the last turn; {@link RaftNode#NONE} if none. Any thread. */
    long leaderId() {
        return knownLeader;
    }

    /** The role as of the last turn. Any thread. */
    Role role() {
        return publishedRole;
    }

    /** This node's view of the cluster, now. Driver thread. */
    ClusterStatus clusterStatus() {
        Status status = node.status();
        List<ClusterStatus.Member> members = new ArrayList<>();
        ConfState conf = status.confState();
        for (long id : conf.voters()) {
            members.add(member(status, id, true));
        }
        for (long id : conf.learners()) {
            members.add(member(status, id, false));
        }
        return new ClusterStatus(selfId, roleName(status.role()), status.term(), status.leaderId(), status.commit(),
                status.applied(), members, applier.store().revision(), applier.store().compactedRevision(),
                applier.sizeOnDisk(), quotaBytes);
    }

    private ClusterStatus.Member member(Status status, long id, boolean voter) {
        Status.Peer peer = status.peers().get(id);
        return new ClusterStatus.Member(id, addresses.addressOf(id), peer == null ? null : peer.match(), voter);
    }

    /** How roles are named in the API and in Eureka's metadata. */
    static String roleName(Role role) {
        return role.name().toLowerCase().replace('_', '-');
    }
}
