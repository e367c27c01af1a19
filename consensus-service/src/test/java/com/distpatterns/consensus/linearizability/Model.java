package com.distpatterns.consensus.linearizability;

import java.util.List;

/** A sequential specification: the states an object may be in and what each operation does to them. */
public interface Model<S, I, O> {

    S initialState();

    /**
     * The states possible after {@code input} answered with {@code output} in {@code state}: empty when that
     * answer is impossible there, several when the answer leaves it open. A null output is unknown: give only
     * the states in which the operation took effect, since the checker may leave such an operation out.
     */
    List<S> step(S state, I input, O output);

    /** Independent sub-histories, checked one by one (P-compositionality); by default the whole history. */
    default List<List<Operation<I, O>>> partition(List<Operation<I, O>> history) {
        return List.of(history);
    }
}
