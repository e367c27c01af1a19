package com.distpatterns.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;

/**
 * The leases this client holds, by lock name and thread. Shared by every {@link DistributedLock} of one client,
 * so that two lock objects of one name in one thread are one reentrant lock (not a thread waiting for itself);
 * it holds only the locks currently held.
 */
final class LockRegistry {

  record Key(String lock, Thread thread) {
  }

  /** One thread's hold of one lock: its lease, how often it is entered, and the watchdog's view of it. */
  static final class Hold {
    final String leaseId;
    final long fencingToken;
    final long leaseNanos;
    final long leaseMs;
    final DistributedLock lock;
    final Thread thread;
    int count = 1; // touched by the holding thread only
    volatile long confirmedUntil; // System.nanoTime() before which the lease is certainly ours
    volatile boolean lost;
    volatile boolean released;
    volatile ScheduledFuture<?> next;

    Hold(DistributedLock lock, Thread thread, String leaseId, long fencingToken, long leaseMs, long confirmedUntil) {
      this.lock = lock;
      this.thread = thread;
      this.leaseId = leaseId;
      this.fencingToken = fencingToken;
      this.leaseMs = leaseMs;
      this.leaseNanos = leaseMs * 1_000_000L;
      this.confirmedUntil = confirmedUntil;
    }

    boolean valid() {
      return !lost && System.nanoTime() - confirmedUntil < 0;
    }
  }

  final Map<Key, Hold> holds = new ConcurrentHashMap<>();
  final ScheduledExecutorService watchdog;

  LockRegistry(ScheduledExecutorService watchdog) {
    this.watchdog = watchdog;
  }
}
