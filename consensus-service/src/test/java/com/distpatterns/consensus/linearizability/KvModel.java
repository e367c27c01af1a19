package com.distpatterns.consensus.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The sequential specification of the key-value store, one key at a time: values, and revisions that grow
 * with every change of the key. A read must see the latest value with the revision that wrote it.
 */
public final class KvModel implements Model<KvModel.KeyState, KvInput, KvOutput> {

    /** Stands for a revision written by an operation whose answer was lost. */
    static final long UNKNOWN = -1;

    /**
     * One key: its value (null: absent), that value's revision, and a floor that every later change's
     * revision must exceed.
     */
    public record KeyState(String value, long revision, long floor) {}

    @Override
    public KeyState initialState() {
        return new KeyState(null, 0, 0);
    }

    @Override
    public List<List<Operation<KvInput, KvOutput>>> partition(List<Operation<KvInput, KvOutput>> history) {
        Map<String, List<Operation<KvInput, KvOutput>>> byKey = new TreeMap<>();
        for (Operation<KvInput, KvOutput> op : history) {
            byKey.computeIfAbsent(op.input().key(), k -> new ArrayList<>()).add(op);
        }
        return List.copyOf(byKey.values());
    }

    @Override
    public List<KeyState> step(KeyState state, KvInput input, KvOutput output) {
        return switch (input) {
            case KvInput.Get get -> read(state, output);
            case KvInput.Put put -> {
                if (output == null) {
                    yield List.of(new KeyState(put.value(), UNKNOWN, state.floor()));
                }
                yield output instanceof KvOutput.Written w && w.revision() > state.floor()
                        ? List.of(new KeyState(put.value(), w.revision(), w.revision()))
                        : List.of();
            }
            case KvInput.Delete delete -> {
                if (output == null) {
                    yield List.of(new KeyState(null, 0, state.floor()));
                }
                yield output instanceof KvOutput.Deleted d && d.revision() > state.floor()
                        && d.deleted() == (state.value() != null)
                                ? List.of(new KeyState(null, 0, d.revision()))
                                : List.of();
            }
            case KvInput.Cas cas -> compareAndSet(state, cas, output);
        };
    }

    private static List<KeyState> read(KeyState state, KvOutput output) {
        if (!(output instanceof KvOutput.Read r) || !Objects.equals(r.value(), state.value())) {
            return List.of();
        }
        return matchesRevision(state, r.value(), r.revision()) ? List.of(pin(state, r.revision())) : List.of();
    }

    private static List<KeyState> compareAndSet(KeyState state, KvInput.Cas cas, KvOutput output) {
        boolean matches = Objects.equals(state.value(), cas.expected());
        if (output == null) {
            // Only where it swapped: the checker may leave out an operation whose answer was lost.
            return matches ? List.of(new KeyState(cas.value(), UNKNOWN, state.floor())) : List.of();
        }
        if (!(output instanceof KvOutput.Swapped s) || s.succeeded() != matches) {
            return List.of();
        }
        if (s.succeeded()) {
            return Objects.equals(s.current(), cas.value()) && s.revision() > state.floor()
                    ? List.of(new KeyState(cas.value(), s.revision(), s.revision()))
                    : List.of();
        }
        return Objects.equals(s.current(), state.value()) && matchesRevision(state, s.current(), s.revision())
                ? List.of(pin(state, s.revision()))
                : List.of();
    }

    private static boolean matchesRevision(KeyState state, String value, long revision) {
        if (value == null) {
            return revision == 0;
        }
        return state.revision() == UNKNOWN ? revision > state.floor() : revision == state.revision();
    }

    /** Once an answer reveals the revision of a value written by a lost answer, later answers must agree. */
    private static KeyState pin(KeyState state, long revision) {
        if (state.revision() != UNKNOWN || state.value() == null) {
            return state;
        }
        return new KeyState(state.value(), revision, Math.max(state.floor(), revision));
    }
}
