package com.distpatterns.consensus.linearizability;

import java.util.List;
import java.util.Objects;

/**
 * The sequential specification of two keys, x and y, under multi-key transactions and conditional writes: a
 * transaction writes both or neither, at one store revision; a conditional write changes one key if its
 * modRevision is the one expected; a range reads both at once. Revisions are store-wide, so every change's
 * revision exceeds every revision seen before it. Writes whose answer was lost may have happened or not, with a
 * revision learnt later (as in {@link KvModel}); "not happened" is the checker's to choose, by leaving them out.
 */
public final class PairModel implements Model<PairModel.State, PairModel.Input, PairModel.Output> {

    /** A revision written by an operation whose answer was lost. */
    public static final long UNKNOWN = -1;

    /** One key: its value (null: absent) and that value's revision. */
    public record Key(String value, long revision) {}

    /** Both keys, and the floor every later change's revision exceeds. */
    public record State(Key x, Key y, long floor) {}

    public sealed interface Input {}

    /** POST /api/txn: if x's modRevision is {@code expected}, put {@code value} into x and y; else get x. */
    public record Txn(long expected, String value) implements Input {}

    /** PUT /api/kv/y?ifModRevision=expected. */
    public record ConditionalPutY(long expected, String value) implements Input {}

    /** GET /api/kv?prefix=: both keys at once. */
    public record Read() implements Input {}

    public sealed interface Output {}

    /** The write happened at {@code revision}. */
    public record Written(long revision) implements Output {}

    /** The condition failed: the key was {@code current}. */
    public record Refused(Key current) implements Output {}

    /** What a read saw. */
    public record Seen(Key x, Key y) implements Output {}

    @Override
    public State initialState() {
        return new State(new Key(null, 0), new Key(null, 0), 0);
    }

    @Override
    public List<State> step(State s, Input input, Output output) {
        return switch (input) {
            case Read r -> {
                if (!(output instanceof Seen seen)) {
                    yield List.of(); // a lost read changes nothing: the checker leaves it out
                }
                Key x = matches(s.x(), seen.x(), s.floor());
                Key y = matches(s.y(), seen.y(), s.floor());
                yield x == null || y == null ? List.of()
                        : List.of(new State(x, y, Math.max(s.floor(), Math.max(x.revision(), y.revision()))));
            }
            case Txn t -> conditional(s, s.x(), t.expected(), output,
                    revision -> new State(new Key(t.value(), revision),
                            new Key(t.value(), revision), Math.max(s.floor(), revision)),
                    (pinned, floor) -> new State(pinned, s.y(), floor));
            case ConditionalPutY c -> conditional(s, s.y(), c.expected(), output, revision -> new State(s.x(),
                    new Key(c.value(), revision), Math.max(s.floor(), revision)),
                    (pinned, floor) -> new State(s.x(), pinned, floor));
        };
    }

    private interface Apply {
        State with(long revision);
    }

    private interface Pin {
        State with(Key pinned, long floor);
    }

    private static List<State> conditional(State s, Key key, long expected, Output output, Apply apply, Pin pin) {
        boolean holds = key.value() == null ? expected == 0
                : key.revision() == UNKNOWN ? expected > s.floor() : key.revision() == expected;
        if (output == null) {
            // Only where it took effect: the checker may leave out a write whose answer was lost.
            if (!holds) {
                return List.of();
            }
            State applied = apply.with(UNKNOWN);
            return List.of(new State(applied.x(), applied.y(), s.floor()));
        }
        if (output instanceof Written w) {
            if (!holds || w.revision() <= s.floor()) {
                return List.of();
            }
            return List.of(apply.with(w.revision()));
        }
        if (output instanceof Refused refused) {
            Key seen = matches(key, refused.current(), s.floor());
            if (seen == null || (seen.value() == null ? expected == 0 : seen.revision() == expected)) {
                return List.of();
            }
            return List.of(pin.with(seen, Math.max(s.floor(), seen.revision())));
        }
        return List.of();
    }

    /** The key as the state has it if {@code seen} agrees with it (pinning an unknown revision), else null. */
    private static Key matches(Key state, Key seen, long floor) {
        if (!Objects.equals(state.value(), seen.value())) {
            return null;
        }
        if (state.value() == null) {
            return seen.revision() == 0 ? state : null;
        }
        if (state.revision() == UNKNOWN) {
            return seen.revision() > 0 ? new Key(state.value(), seen.revision()) : null;
        }
        return state.revision() == seen.revision() ? state : null;
    }
}
