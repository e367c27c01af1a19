package com.distpatterns.consensus.linearizability;

/**
 * One call in a client history. {@code call} and {@code ret} are instants on one clock shared by all clients;
 * an operation whose outcome is unknown (timed out, its server crashed) has a null output and returns
 * {@link #NEVER}: it may have taken effect at any point after its call, or not at all.
 */
public record Operation<I, O>(int clientId, I input, O output, long call, long ret) {

    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        if (ret <= call) {
            throw new IllegalArgumentException("an operation returns after it is called: " + call + " .. " + ret);
        }
        if ((output == null) != (ret == NEVER)) {
            throw new IllegalArgumentException("exactly the operations without an output never return");
        }
    }

    public static <I, O> Operation<I, O> unknown(int clientId, I input, long call) {
        return new Operation<>(clientId, input, null, call, NEVER);
    }

    @Override
    public String toString() {
        return "client " + clientId + ": " + input + " -> " + (output == null ? "?" : output) + " [" + call + ", "
                + (ret == NEVER ? "never" : ret) + "]";
    }
}
