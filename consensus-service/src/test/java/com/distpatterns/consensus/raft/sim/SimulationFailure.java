package com.distpatterns.consensus.raft.sim;

/** A failed seeded run: the seed, the command that replays it, what broke and the events before it. */
public final class SimulationFailure extends AssertionError {

    public SimulationFailure(long seed, String replayCommand, String what, String recentEvents, Throwable cause) {
        super("simulation seed " + seed + " failed: " + what + "\n  replay: " + replayCommand
                + "\n  last events:\n" + recentEvents.indent(4), cause);
    }
}
