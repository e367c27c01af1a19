package com.distpatterns.consensus.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One condition of a transaction: the key's {@code target} compared with a value (for {@link Target#VALUE}, as
 * JSON: equal documents match whatever their spelling) or a number. An absent key has value null and 0 for the
 * numbers, so {@code version = 0} means "absent".
 */
public record Compare(String key, Target target, Op op, byte[] value, long number) {

    public enum Target {
        VALUE, VERSION, CREATE_REVISION, MOD_REVISION
    }

    public enum Op {
        EQUAL, NOT_EQUAL, LESS, GREATER
    }

    public Compare {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(op, "op");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Compare c && key.equals(c.key) && target == c.target && op == c.op
                && Arrays.equals(value, c.value) && number == c.number;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, target, op, Arrays.hashCode(value), number);
    }
}
