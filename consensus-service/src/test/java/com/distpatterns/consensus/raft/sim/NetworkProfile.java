package com.distpatterns.consensus.raft.sim;

/**
 * How the simulated network treats each message: delivered after a delay in [minDelayMs, maxDelayMs], or
 * now and then a long one (which reorders), dropped or duplicated with the given probabilities.
 */
public record NetworkProfile(double dropRate, double duplicateRate, int minDelayMs, int maxDelayMs,
        double longDelayRate, int longDelayMaxMs) {

    /** Every message arrives once, within a few milliseconds. */
    public static final NetworkProfile RELIABLE = new NetworkProfile(0, 0, 1, 5, 0, 0);

    /** The lab's unreliable network: a tenth lost, some duplicated, some held back for a long time. */
    public static final NetworkProfile UNRELIABLE = new NetworkProfile(0.1, 0.05, 1, 27, 0.1, 200);
}
