/** The consensus service: a Raft cluster serving a linearizable key-value store. */
package com.distpatterns.consensus;
