/**
 * The Raft driver: the one thread that owns the Raft node, the key-value store and the storage, and the pieces it
 * is made of. {@link com.distpatterns.consensus.infra.driver.RaftDriver} is the way in (the API other threads call,
 * the lifecycle Spring calls) and builds the rest; every other class here runs on the driver thread but
 * {@code StoreReaders} (ranges, off the driver thread once the driver lets them), and each says which state
 * it owns and who else may read it:
 * <ul>
 * <li>{@code DriverLoop}: the thread, the queue, the clock, and what a failure ends;
 * <li>{@code DriverTurn}: which piece takes what the loop took;
 * <li>{@code ProposalRouter}: proposes on the leader, forwards to it from a follower;
 * <li>{@code PendingWrites}: which caller waits for which log index;
 * <li>{@code ReadRounds}: linearizable reads batched into ReadIndex rounds; {@code StoreReaders}: reads served from
 * a snapshot of the store on threads of their own;
 * <li>{@code DriverStateMachine}: this node's side of a Ready, in {@code ReadyProcessor}'s order;
 * <li>{@code StoreApplier}: applies entries to the store; {@code CheckpointFetch}: downloads a snapshot's store;
 * <li>{@code Snapshotter}: when to snapshot; {@code AddressBook}: where each server is;
 * <li>{@code LearnerPromotion} and {@code AutoCompactor}: what the leader does by itself;
 * <li>{@code StatusReporter}: role, leader and cluster status;
 * <li>{@code StoreQueries} and {@code Failures}, stateless: what a read does, what a failed call is told.
 * </ul>
 */
package com.distpatterns.consensus.infra.driver;
