package com.distpatterns.consensus.core;

/** What an observer of an election is told: who leads, from which store revision on. */
public sealed interface ElectionEvent {

    long revision();

    /** {@code leader} leads, with its value, as of {@code revision}. */
    record Leader(ElectionLeader leader, long revision) implements ElectionEvent {}

    /** Nobody campaigns as of {@code revision}. */
    record NoLeader(String name, long revision) implements ElectionEvent {}
}
