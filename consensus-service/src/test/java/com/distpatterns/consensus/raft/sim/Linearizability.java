package com.distpatterns.consensus.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.linearizability.CheckResult;
import com.distpatterns.consensus.linearizability.KvInput;
import com.distpatterns.consensus.linearizability.KvModel;
import com.distpatterns.consensus.linearizability.KvOutput;
import com.distpatterns.consensus.linearizability.LinearizabilityChecker;
import com.distpatterns.consensus.linearizability.Operation;
import java.time.Duration;
import java.util.List;

/** The assertion that a client history of the key-value store is linearizable. */
final class Linearizability {

    private Linearizability() {}

    static void assertLinearizable(List<Operation<KvInput, KvOutput>> history) {
        CheckResult result = LinearizabilityChecker.check(new KvModel(), history, Duration.ofSeconds(30));
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }
}
