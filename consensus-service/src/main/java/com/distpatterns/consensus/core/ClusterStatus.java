package com.distpatterns.consensus.core;

import java.util.List;

/**
 * One node's view of the cluster.
 *
 * @param role {@code leader}, {@code follower}, {@code candidate} or {@code pre-candidate}
 * @param leaderId 0 when no leader is known
 * @param members voters and learners; {@code matchIndex} is known on the leader only (null elsewhere)
 * @param revision this node's store revision
 * @param compactedRevision reads before it answer 410 on this node
 * @param storeBytes the store's size on disk on this node
 * @param quotaBytes the size at which writes are refused
 */
public record ClusterStatus(long nodeId, String role, long term, long leaderId, long commitIndex, long lastApplied,
        List<Member> members, long revision, long compactedRevision, long storeBytes, long quotaBytes) {

    public ClusterStatus {
        members = List.copyOf(members);
    }

    /** One member: its Raft address, how far its log matches the leader's, and whether it votes. */
    public record Member(long id, String address, Long matchIndex, boolean voter) {}
}
