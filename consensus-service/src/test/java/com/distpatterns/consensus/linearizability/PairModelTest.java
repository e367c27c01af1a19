package com.distpatterns.consensus.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.linearizability.PairModel.Input;
import com.distpatterns.consensus.linearizability.PairModel.Key;
import com.distpatterns.consensus.linearizability.PairModel.Output;
import java.time.Duration;
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
}
