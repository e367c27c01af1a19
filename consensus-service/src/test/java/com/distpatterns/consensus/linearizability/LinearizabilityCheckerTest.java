package com.distpatterns.consensus.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

    private static Operation<KvInput, KvOutput> op(int client, KvInput input, KvOutput output, long call, long ret) {
        return new Operation<>(client, input, output, call, ret);
    }

    private static CheckResult.Verdict check(List<Operation<KvInput, KvOutput>> history) {
        return LinearizabilityChecker.check(new KvModel(), history, Duration.ofSeconds(5)).verdict();
    }

    @Test
    void concurrentWritesMayBeReadInEitherOrder() {
        var history = List.of(
                op(0, new KvInput.Put("k", "a"), new KvOutput.Written(5), 0, 10),
                op(1, new KvInput.Put("k", "b"), new KvOutput.Written(6), 1, 9),
                op(2, new KvInput.Get("k"), new KvOutput.Read("b", 6), 2, 8));
        assertThat(check(history)).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }

    @Test
    void aStaleReadAfterAWriteReturnedIsCaught() {
        var history = List.of(
                op(0, new KvInput.Put("k", "a"), new KvOutput.Written(5), 0, 1),
                op(0, new KvInput.Put("k", "b"), new KvOutput.Written(6), 2, 3),
                op(1, new KvInput.Get("k"), new KvOutput.Read("a", 5), 4, 5));
        assertThat(check(history)).isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void revisionsMustGrowInTheOrderOfWrites() {
        var history = List.of(
                op(0, new KvInput.Put("k", "a"), new KvOutput.Written(9), 0, 1),
                op(0, new KvInput.Put("k", "b"), new KvOutput.Written(6), 2, 3));
        assertThat(check(history)).isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aWriteWithUnknownOutcomeMayHaveHappenedOrNot() {
        var happened = List.of(
                Operation.<KvInput, KvOutput>unknown(0, new KvInput.Put("k", "a"), 0),
                op(1, new KvInput.Get("k"), new KvOutput.Read("a", 4), 5, 6));
        var notYet = List.of(
                Operation.<KvInput, KvOutput>unknown(0, new KvInput.Put("k", "a"), 0),
                op(1, new KvInput.Get("k"), new KvOutput.Read(null, 0), 5, 6));
        assertThat(check(happened)).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        assertThat(check(notYet)).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }

    @Test
    void aLostAnswerDoesNotExcuseAStaleRead() {
        var history = List.of(
                Operation.<KvInput, KvOutput>unknown(2, new KvInput.Put("k", "z"), 0),
                op(0, new KvInput.Put("k", "a"), new KvOutput.Written(5), 0, 1),
                op(0, new KvInput.Put("k", "b"), new KvOutput.Written(6), 2, 3),
                op(1, new KvInput.Get("k"), new KvOutput.Read("a", 5), 4, 5));
        assertThat(check(history)).isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void compareAndSetMustSeeTheCurrentValue() {
        var history = List.of(
                op(0, new KvInput.Put("k", "a"), new KvOutput.Written(3), 0, 1),
                op(1, new KvInput.Cas("k", "x", "b"), new KvOutput.Swapped(true, "b", 4), 2, 3));
        assertThat(check(history)).isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void keysAreCheckedIndependently() {
        var history = List.of(
                op(0, new KvInput.Put("a", "1"), new KvOutput.Written(3), 0, 1),
                op(1, new KvInput.Put("b", "1"), new KvOutput.Written(2), 2, 3),
                op(1, new KvInput.Get("a"), new KvOutput.Read("1", 3), 4, 5),
                op(0, new KvInput.Delete("b"), new KvOutput.Deleted(true, 7), 6, 8),
                op(1, new KvInput.Get("b"), new KvOutput.Read(null, 0), 9, 10));
        assertThat(check(history)).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }

    @Test
    void manyConcurrentClientsStayTractable() {
        var history = new java.util.ArrayList<Operation<KvInput, KvOutput>>();
        long revision = 1;
        for (int round = 0; round < 200; round++) {
            long start = round * 10L;
            for (int client = 0; client < 5; client++) {
                history.add(op(client, new KvInput.Put("k", "v" + round + "-" + client),
                        new KvOutput.Written(++revision), start, start + 9));
            }
        }
        assertThat(check(history)).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }
}
