package com.distpatterns.consensus.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.ClusterStatus;
import com.distpatterns.consensus.core.ClusterStatus.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The follower-lag gauge the ConsensusFollowerLagging alert reads (ops/prometheus/rules). */
class RaftMetricsTest {

    private static ClusterStatus status(long nodeId, String role, long commit, List<Member> members) {
        return new ClusterStatus(nodeId, role, 7, 1, commit, commit, members, 10, 0, 0, 0);
    }

    @Test
    void theLeaderReportsHowFarItsSlowestOtherMemberTrails() {
        ClusterStatus leader = status(1, "leader", 5000, List.of(
                new Member(1, "a:7001", 5000L, true),
                new Member(2, "b:7001", 4990L, true),
                new Member(3, "c:7001", 1200L, true),
                new Member(4, "d:7001", 4000L, false)));
        assertThat(RaftMetrics.maxFollowerLag(leader)).isEqualTo(3800);
    }

    @Test
    void aMemberAheadOfTheCommitIndexOrNotYetKnownIsNoLag() {
        ClusterStatus leader = status(1, "leader", 100, List.of(
                new Member(1, "a:7001", 90L, true),
                new Member(2, "b:7001", 105L, true),
                new Member(3, "c:7001", null, true)));
        assertThat(RaftMetrics.maxFollowerLag(leader)).isZero();
    }

    @Test
    void followersReportNoLagTheyCannotKnow() {
        ClusterStatus follower = status(2, "follower", 100, List.of(
                new Member(1, "a:7001", null, true), new Member(2, "b:7001", null, true)));
        assertThat(RaftMetrics.maxFollowerLag(follower)).isZero();
    }
}
