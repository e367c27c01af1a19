package com.distpatterns.consensus.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.linearizability.PairModel.Input;
import com.distpatterns.consensus.linearizability.PairModel.Key;
import com.distpatterns.consensus.linearizability.PairModel.Output;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairModelTest {

    private static Operation<Input, Output> op(int client, Input input, Output output, long call, long ret) {
        return new Operation<>(client, input, output, call, ret);
    }

    private static CheckResult.Verdict check(List<Operation<Input, Output>> history) {
        return LinearizabilityChecker.check(new PairModel(), history, Duration.ofSeconds(5)).verdict();
    }

    @Test
    void aTransactionIsSeenWholeOrNotAtAll() {
        var txn = op(0, new PairModel.Txn(0, "a"), new PairModel.Written(3), 0, 10);
        assertThat(check(List.of(txn, op(1, new PairModel.Read(),
                new PairModel.Seen(new Key("a", 3), new Key("a", 3)), 2, 8))))
                .isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        assertThat(check(List.of(txn, op(1, new PairModel.Read(),
                new PairModel.Seen(new Key("a", 3), new Key(null, 0)), 2, 8)))).as("half a transaction")
                .isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void conditionsFollowTheRevisions() {
        assertThat(check(List.of(
                op(0, new PairModel.Txn(0, "a"), new PairModel.Written(3), 0, 1),
                op(1, new PairModel.Txn(0, "b"), new PairModel.Refused(new Key("a", 3)), 2, 3),
                op(1, new PairModel.ConditionalPutY(3, "c"), new PairModel.Written(4), 4, 5),
                op(0, new PairModel.Txn(3, "d"), new PairModel.Written(5), 6, 7),
                op(2, new PairModel.Read(), new PairModel.Seen(new Key("d", 5), new Key("d", 5)), 8, 9))))
                .isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        assertThat(check(List.of(
                op(0, new PairModel.Txn(0, "a"), new PairModel.Written(3), 0, 1),
                op(1, new PairModel.Txn(0, "b"), new PairModel.Written(4), 2, 3))))
                .as("two creations of the same key").isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aLostWriteMayHaveHappened() {
        assertThat(check(List.of(
                op(0, new PairModel.Txn(0, "a"), null, 0, Operation.NEVER),
                op(1, new PairModel.Read(), new PairModel.Seen(new Key("a", 7), new Key("a", 7)), 2, 3),
                op(1, new PairModel.Txn(7, "b"), new PairModel.Written(8), 4, 5))))
                .isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }

    @Test
    void longHistoriesWithAKilledNodeAreDecidedEitherWay() {
        for (long seed = 0; seed < 6; seed++) {
            var history = PairHistories.withAKilledNode(seed, 16, seed % 2 == 0 ? 1500 : 5000);
            assertThat(history).hasSizeGreaterThan(6000).filteredOn(op -> op.output() == null).hasSizeGreaterThan(40);
            CheckResult result = LinearizabilityChecker.check(new PairModel(), history, Duration.ofSeconds(30));
            assertThat(result.verdict()).as(result.explanation()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        }
        // Proving that no order exists is exhaustive: 0.2 to 17 s per seed here, so three quick seeds.
        for (long seed : new long[] {1, 4, 5}) {
            var stale = PairHistories.withAStaleRead(seed, 16, seed % 2 == 0 ? 1500 : 5000);
            assertThat(LinearizabilityChecker.check(new PairModel(), stale, Duration.ofSeconds(30)).verdict())
                    .as("seed " + seed + " with a stale read").isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
        }
    }

    @Test
    void aLostWriteAppliedLateBehindManyLostAnswersStaysTractable() {
        // Client 8's node is dead: its writes fail fast, answers lost. Client 9's transaction, its answer lost
        // too, took effect after client 1's write: the search must undo everything it placed after the
        // transaction's call, and every lost answer in between may have taken effect or not.
        var history = new ArrayList<Operation<Input, Output>>();
        history.add(op(8, new PairModel.Read(), new PairModel.Seen(new Key(null, 0), new Key(null, 0)), 1, 2));
        history.add(Operation.unknown(9, new PairModel.Txn(0, "late"), 3));
        history.add(op(1, new PairModel.ConditionalPutY(0, "p"), new PairModel.Written(5), 5, 1000));
        for (int i = 0; i < 40; i++) {
            history.add(Operation.unknown(8, new PairModel.ConditionalPutY(0, "lost" + i), 10 + 10 * i));
        }
        history.add(op(1, new PairModel.Read(), new PairModel.Seen(new Key("late", 6), new Key("late", 6)), 1001,
                1002));
        CheckResult result = LinearizabilityChecker.check(new PairModel(), history, Duration.ofSeconds(20));
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }
}
