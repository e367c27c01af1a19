package com.distpatterns.consensus.core;

/** A command's outcome once applied, with the term of the log entry that carried it (the answer's header). */
public record Applied(Outcome outcome, long raftTerm) {}
