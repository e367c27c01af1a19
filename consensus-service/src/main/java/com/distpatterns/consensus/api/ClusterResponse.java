package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.ClusterStatus;
import java.util.List;

/** {@code GET /api/cluster}: this node's view; {@code matchIndex} only on the leader, null elsewhere. */
record ClusterResponse(long nodeId, String role, long term, long leaderId, long commitIndex, long lastApplied,
        List<MemberResponse> members, long revision, long compactedRevision, long storeBytes,
        long quotaBytes) {

    /** One member; {@code voter} is false while a new server catches up as a learner. */
    record MemberResponse(long id, String address, Long matchIndex, boolean voter) {}

    static ClusterResponse of(ClusterStatus status) {
        return new ClusterResponse(status.nodeId(), status.role(), status.term(), status.leaderId(),
                status.commitIndex(),
                status.lastApplied(), status.members().stream()
                        .map(m -> new MemberResponse(m.id(), m.address(), m.matchIndex(), m.voter())).toList(),
                status.revision(), status.compactedRevision(), status.storeBytes(), status.quotaBytes());
    }
}
