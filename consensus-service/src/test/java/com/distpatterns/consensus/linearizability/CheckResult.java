package com.distpatterns.consensus.linearizability;

/** The verdict on a history, with the sub-history that failed when it is not linearizable. */
public record CheckResult(Verdict verdict, String explanation) {

    /** Whether some order of the operations explains every answer. */
    public enum Verdict {
        LINEARIZABLE, NOT_LINEARIZABLE, TIMED_OUT
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }
}
