package com.distpatterns.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aProbingFollowerGetsOneAppendAtATime() {
        Progress pr = new Progress(2, 11, 4, false);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(12, true);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.next).as("probing does not advance next optimistically").isEqualTo(11);
    }

    @Test
    void aReplicatingFollowerStopsAtTheInFlightLimit() {
        Progress pr = new Progress(2, 11, 2, false);
        pr.match = 10;
        pr.becomeReplicate();
        pr.sentEntries(12, true);
        pr.sentEntries(14, true);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.next).isEqualTo(15);
        pr.maybeUpdate(12);
        pr.inflights.freeLE(12);
        assertThat(pr.isPaused()).isFalse();
    }

    @Test
    void aRejectionMovesNextBackToTheHintButNotBelowTheMatch() {
        Progress pr = new Progress(2, 21, 4, false);
        pr.match = 5;
        assertThat(pr.maybeDecreaseTo(20, 12)).isTrue();
        assertThat(pr.next).isEqualTo(13);
        assertThat(pr.maybeDecreaseTo(19, 3)).as("a stale rejection").isFalse();
        assertThat(pr.maybeDecreaseTo(12, 1)).isTrue();
        assertThat(pr.next).isEqualTo(6);
    }

    @Test
    void inflightsFreeUpToAnAcknowledgedIndex() {
        Inflights inflights = new Inflights(3);
        inflights.add(5);
        inflights.add(8);
        inflights.add(11);
        assertThat(inflights.full()).isTrue();
        inflights.freeLE(8);
        assertThat(inflights.count()).isEqualTo(1);
        inflights.add(14);
        inflights.add(17);
        inflights.freeLE(100);
        assertThat(inflights.count()).isZero();
    }
}
