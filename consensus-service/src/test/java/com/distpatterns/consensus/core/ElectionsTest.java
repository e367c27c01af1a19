package com.distpatterns.consensus.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The election recipe on a real MvccStore (one node, no Raft): order, hand-over, fencing, timeouts, observe. */
class ElectionsTest {

    private static final Duration LONG = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private LocalStore store;
    private Elections elections;

    @BeforeEach
    void open() throws Exception {
        store = new LocalStore(dir.resolve("state"));
        elections = new Elections(store, store, store, Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] v(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private long lease() {
        return store.grant(10).join().id();
    }

    private CompletableFuture<ElectionLeader> campaignLater(String name, String value, long lease, Duration wait) {
        CompletableFuture<ElectionLeader> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(elections.campaign(name, v(value), lease, wait));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Waits until the campaign's key is in place, so the next campaign comes after it in line. */
    private void awaitCandidates(String name, int count) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (elections.candidates(name).keys().size() < count) {
            assertThat(System.nanoTime()).as("%d candidates in %s", count, name).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    @Test
    void candidatesLeadInCampaignOrderAndResignHandsOverToTheNext() throws Exception {
        // Leases granted in the opposite order to the campaigns: key order is not campaign order.
        long third = lease();
        long second = lease();
        long first = lease();
        ElectionLeader one = elections.campaign("db", v("\"one\""), first, LONG);
        CompletableFuture<ElectionLeader> two = campaignLater("db", "\"two\"", second, LONG);
        awaitCandidates("db", 2);
        CompletableFuture<ElectionLeader> three = campaignLater("db", "\"three\"", third, LONG);
        awaitCandidates("db", 3);
        assertThat(elections.leader("db")).contains(one);
        assertThat(one.key()).isEqualTo("_elections/db/" + Long.toHexString(first));

        elections.resign("db", one.key(), one.revision());
        ElectionLeader leaderTwo = two.get(10, TimeUnit.SECONDS);
        assertThat(new String(leaderTwo.value(), StandardCharsets.UTF_8)).isEqualTo("\"two\"");
        assertThat(leaderTwo.revision()).as("the fencing token grows").isGreaterThan(one.revision());
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(three).as("the third waits for the second").isNotDone();
        assertThat(elections.leader("db")).contains(leaderTwo);

        elections.resign("db", leaderTwo.key(), 0);
        ElectionLeader leaderThree = three.get(10, TimeUnit.SECONDS);
        assertThat(leaderThree.revision()).isGreaterThan(leaderTwo.revision());
        assertThat(leaderThree.key()).endsWith(Long.toHexString(third));
    }

    @Test
    void aLeaderWhoseLeaseEndsIsReplacedAndTheTokenGrows() throws Exception {
        long a = lease();
        long b = lease();
        ElectionLeader first = elections.campaign("svc", v("1"), a, LONG);
        CompletableFuture<ElectionLeader> next = campaignLater("svc", "2", b, LONG);
        awaitCandidates("svc", 2);
        store.revoke(a).join();
        ElectionLeader second = next.get(10, TimeUnit.SECONDS);
        assertThat(second.revision()).isGreaterThan(first.revision());
        // The first comes back with a fresh lease: it queues behind, with a larger token still.
        CompletableFuture<ElectionLeader> again = campaignLater("svc", "1", lease(), LONG);
        awaitCandidates("svc", 2);
        store.revoke(b).join();
        assertThat(again.get(10, TimeUnit.SECONDS).revision()).isGreaterThan(second.revision());
    }

    @Test
    void aWaitingCampaignDoesNotPoll() throws Exception {
        ElectionLeader leader = elections.campaign("quiet", v("1"), lease(), LONG);
        CompletableFuture<ElectionLeader> waiting = campaignLater("quiet", "2", lease(), LONG);
        awaitCandidates("quiet", 2);
        int ranges = store.ranges;
        TimeUnit.MILLISECONDS.sleep(1500);
        assertThat(store.ranges - ranges).as("range reads while nothing changed").isLessThanOrEqualTo(1);
        assertThat(waiting).isNotDone();
        elections.resign("quiet", leader.key(), leader.revision());
        assertThat(waiting.get(10, TimeUnit.SECONDS).revision()).isGreaterThan(leader.revision());
    }

    @Test
    void aCampaignThatTimesOutAnswersConflictAndLeavesNoKey() throws Exception {
        ElectionLeader leader = elections.campaign("t", v("1"), lease(), LONG);
        long late = lease();
        long started = System.nanoTime();
        assertThatThrownBy(() -> elections.campaign("t", v("2"), late, Duration.ofMillis(300)))
                .isInstanceOfSatisfying(ElectionConflictException.class,
                        e -> assertThat(e.reason()).isEqualTo(ElectionConflictException.Reason.CAMPAIGN_TIMED_OUT));
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(elections.candidates("t").keys()).extracting(KeyValue::key).containsExactly(leader.key());
        assertThatThrownBy(() -> elections.campaign("t", v("2"), late, Duration.ZERO))
                .isInstanceOf(ElectionConflictException.class);
        assertThat(elections.candidates("t").keys()).hasSize(1);
        // Once the leader goes, nothing is left over to lead in the timed-out campaign's place.
        elections.resign("t", leader.key(), 0);
        assertThat(elections.leader("t")).isEmpty();
    }

    @Test
    void proclaimAndResignOnlyByTheLeader() throws Exception {
        ElectionLeader leader = elections.campaign("p", v("{\"at\":1}"), lease(), LONG);
        long waiter = lease();
        CompletableFuture<ElectionLeader> waiting = campaignLater("p", "\"w\"", waiter, LONG);
        awaitCandidates("p", 2);
        String waiterKey = ElectionKeys.candidateKey("p", waiter);
        assertThatThrownBy(() -> elections.proclaim("p", waiterKey, 0, v("\"usurper\"")))
                .isInstanceOfSatisfying(ElectionConflictException.class,
                        e -> assertThat(e.reason()).isEqualTo(ElectionConflictException.Reason.NOT_LEADER));
        assertThatThrownBy(() -> elections.resign("p", waiterKey, 0)).isInstanceOf(ElectionConflictException.class);
        assertThatThrownBy(() -> elections.proclaim("p", leader.key(), leader.revision() + 1, v("2")))
                .as("a stale token").isInstanceOf(ElectionConflictException.class);

        ElectionLeader proclaimed = elections.proclaim("p", leader.key(), leader.revision(), v("{\"at\":2}"));
        assertThat(proclaimed.revision()).as("the token stays").isEqualTo(leader.revision());
        assertThat(proclaimed.lease()).as("the key stays under its lease").isEqualTo(leader.lease());
        assertThat(elections.leader("p").orElseThrow().value()).isEqualTo(v("{\"at\":2}"));
        assertThat(waiting).as("a new value is no hand-over").isNotDone();
        // The proclaimed key still dies with its lease.
        store.revoke(leader.lease()).join();
        assertThat(waiting.get(10, TimeUnit.SECONDS).key()).isEqualTo(waiterKey);
    }

    @Test
    void aRetryKeepsItsPlaceAndAnUnknownLeaseIsRefused() throws Exception {
        long lease = lease();
        ElectionLeader first = elections.campaign("r", v("1"), lease, LONG);
        ElectionLeader retried = elections.campaign("r", v("2"), lease, LONG);
        assertThat(retried.revision()).isEqualTo(first.revision());
        assertThat(retried.value()).isEqualTo(v("2"));
        assertThatThrownBy(() -> elections.campaign("r", v("1"), 0xdeadL, LONG))
                .isInstanceOf(LeaseNotFoundException.class);
        assertThat(elections.candidates("r").keys()).hasSize(1);
    }

    @Test
    void aCandidateWhoseLeaseEndsWhileWaitingIsToldWhenItsTurnComes() throws Exception {
        ElectionLeader leader = elections.campaign("gone", v("1"), lease(), LONG);
        long doomed = lease();
        CompletableFuture<ElectionLeader> waiting = campaignLater("gone", "2", doomed, LONG);
        awaitCandidates("gone", 2);
        long third = lease();
        CompletableFuture<ElectionLeader> behind = campaignLater("gone", "3", third, LONG);
        awaitCandidates("gone", 3);
        store.revoke(doomed).join();
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(behind).as("the one behind re-reads and waits for the leader, not for a gap").isNotDone();
        // It watches the candidate ahead, as etcd's waitDeletes does, so it learns when that one goes (its client
        // knows sooner: its keepalives answer 404).
        elections.resign("gone", leader.key(), leader.revision());
        assertThat(waiting).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOfSatisfying(ElectionConflictException.class,
                        e -> assertThat(e.reason()).isEqualTo(ElectionConflictException.Reason.CANDIDACY_LOST));
        assertThat(behind.get(10, TimeUnit.SECONDS).key()).isEqualTo(ElectionKeys.candidateKey("gone", third));
    }

    @Test
    void namesAreCheckedAndElectionsDoNotOverlap() throws Exception {
        assertThatThrownBy(() -> elections.leader("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> elections.leader("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> elections.leader("x".repeat(129))).isInstanceOf(IllegalArgumentException.class);
        elections.campaign("ab", v("1"), lease(), LONG);
        assertThat(elections.leader("a")).isEmpty();
        assertThat(elections.campaign("a", v("2"), lease(), LONG).value()).isEqualTo(v("2"));
    }

    @Test
    void anObserverSeesEachLeaderAndValueOnce() throws Exception {
        try (ElectionObserver observer = elections.observe("o")) {
            List<ElectionEvent> seen = new ArrayList<>();
            seen.add(observer.next(LONG));
            ElectionLeader a = elections.campaign("o", v("\"a\""), lease(), LONG);
            seen.add(observer.next(LONG));
            long b = lease();
            CompletableFuture<ElectionLeader> waiting = campaignLater("o", "\"b\"", b, LONG);
            awaitCandidates("o", 2);
            assertThat(observer.next(Duration.ofMillis(200))).as("a waiting candidate changes no leader").isNull();
            elections.proclaim("o", a.key(), 0, v("\"a2\""));
            seen.add(observer.next(LONG));
            elections.proclaim("o", a.key(), 0, v("\"a2\""));
            assertThat(observer.next(Duration.ofMillis(200))).as("the same value again").isNull();
            elections.resign("o", a.key(), 0);
            seen.add(observer.next(LONG));
            ElectionLeader leaderB = waiting.get(10, TimeUnit.SECONDS);
            elections.resign("o", leaderB.key(), 0);
            seen.add(observer.next(LONG));

            assertThat(seen.get(0)).isInstanceOf(ElectionEvent.NoLeader.class);
            assertThat(((ElectionEvent.Leader) seen.get(1)).leader()).isEqualTo(a);
            assertThat(((ElectionEvent.Leader) seen.get(2)).leader().value()).isEqualTo(v("\"a2\""));
            assertThat(((ElectionEvent.Leader) seen.get(3)).leader().key()).isEqualTo(leaderB.key());
            assertThat(seen.get(4)).isInstanceOf(ElectionEvent.NoLeader.class);
            assertThat(seen).extracting(ElectionEvent::revision).isSorted();
        }
    }
}
