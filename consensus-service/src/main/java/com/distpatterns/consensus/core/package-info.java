/** The key-value state machine that the Raft log replicates: plain Java, no I/O. */
package com.distpatterns.consensus.core;
