package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.infra.store.StoreFailedException;
import com.distpatterns.consensus.infra.wal.StorageFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver thread and what ends it. Each turn drains the queue (so every proposal queued since the last turn goes
 * out in one append, and every read in one ReadIndex round), ticks the clock and lets the {@link Turn} route what it
 * took and handle the node's Ready. A storage failure stops this node serving, for good; an {@link Error} ends the
 * process.
 *
 * <p>Threads: the loop runs on the one thread of its executor, {@code raft-driver-<id>}, shut down by {@link #stop};
 * start and stop are called by the lifecycle (Spring's, or a test's). The queue takes from any thread; the flags are
 * volatile, written by the driver thread (storage failed) or the stopping thread (running), read by any.
 */
final class DriverLoop {

    private static final Logger log = LoggerFactory.getLogger(DriverLoop.class);
    /** The exit status when the driver thread dies of an {@link Error}: EX_SOFTWARE. */
    static final int EXIT_DRIVER_ERROR = 70;
    private static final int DRAIN_LIMIT = 8192;
    /** How long stopping waits for the turn under way (an fsync, a checkpoint) before it lets the thread go. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** What one turn does with the node. Called on the driver thread only. */
    interface Turn {
        /** Whether the node has a Ready waiting: then the loop does not wait for input. */
        boolean hasReady();

        /** A call or a peer frame from the queue. */
        void take(DriverInput input);

        /** A call or a peer frame after the storage failed: answered without the node. */
        void takeAfterStorageFailure(DriverInput input, RuntimeException storageFailure);

        /** One tick of the engine's clock, and what is done once per tick: deadlines, the leader's own duties. */
        void tick(long now);

        /** Routes what was taken, handles the node's Ready, publishes the status. */
        void finish();

        /** The storage failed: take no more part in the cluster. */
        void stopServing();

        /** Fails every call waiting on the node. */
        void failAll(RuntimeException cause);
    }

    private final long selfId;
    private final long tickNanos;
    private final BlockingQueue<DriverInput> queue;
    private final Turn turn;
    private final ExecutorService executor;
    private volatile boolean running = true;
    private volatile boolean storageFailed;
    private boolean started;

    DriverLoop(long selfId, Duration tick, BlockingQueue<DriverInput> queue, Turn turn) {
        this.selfId = selfId;
        this.tickNanos = tick.toNanos();
        this.queue = queue;
        this.turn = turn;
        this.executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("raft-driver-" + selfId).factory());
    }

    synchronized void start() {
        if (!started && running) {
            started = true;
            executor.execute(this::run);
        }
    }

    /** Ends the loop: the turn under way is interrupted, waiting calls fail, calls from now on are refused. */
    synchronized void stop() {
        running = false;
        executor.shutdownNow();
        try {
            executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized boolean isRunning() {
        return started && running;
    }

    /** Whether the thread has ended, so the store may be closed (it is native memory). */
    boolean terminated() {
        return executor.isTerminated();
    }

    /** Whether calls are taken: from construction until stop. */
    boolean accepting() {
        return running;
    }

    boolean storageFailed() {
        return storageFailed;
    }

    private void run() {
        try {
            turns();
            failEverything(Failures.stopping());
        } catch (Error e) {
            // Out of memory or worse: the engine's state is unknown. A node whose port answers while its engine is
            // dead is worse than none: end the process, so the run command, compose or Kubernetes restart it.
            haltOnError(e);
        }
    }

    private void turns() {
        long nextTick = System.nanoTime() + tickNanos;
        List<DriverInput> batch = new ArrayList<>();
        while (running) {
            try {
                long wait = storageFailed || !turn.hasReady() ? Math.max(0, nextTick - System.nanoTime()) : 0;
                DriverInput first = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, DRAIN_LIMIT);
                    for (DriverInput input : batch) {
                        if (storageFailed) {
                            turn.takeAfterStorageFailure(input, Failures.storageFailed(selfId));
                        } else {
                            turn.take(input);
                        }
                    }
                    batch.clear();
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    nextTick = Math.max(nextTick + tickNanos, now);
                    if (!storageFailed) {
                        turn.tick(now);
                    }
                }
                if (!storageFailed) {
                    turn.finish();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (StorageFailedException e) {
                onStorageFailure(e);
            } catch (StoreFailedException e) {
                onStorageFailure(new StorageFailedException("the store failed: " + e.getMessage(), e));
            } catch (RuntimeException e) {
                // An engine invariant broke: better to stop serving than to apply something wrong.
                log.error("Raft driver of node {} stopped by an unexpected error", selfId, e);
                onStorageFailure(new StorageFailedException("the driver stopped: " + e, e));
            }
        }
    }

    private void haltOnError(Error e) {
        try {
            log.error("Node {}: the Raft driver died of {}; the process halts with status {} to be restarted",
                    selfId, e, EXIT_DRIVER_ERROR);
        } catch (Throwable ignored) {
            // even logging failed: halting matters more
        }
        Runtime.getRuntime().halt(EXIT_DRIVER_ERROR);
    }

    private void onStorageFailure(StorageFailedException e) {
        if (storageFailed) {
            return;
        }
        storageFailed = true;
        // Stop taking part: the others elect a leader among themselves. Nothing unpersisted was acknowledged.
        turn.stopServing();
        failEverything(Failures.storageFailed(selfId));
        log.error("Node {} stopped serving: {}", selfId, e.getMessage());
    }

    private void failEverything(RuntimeException cause) {
        turn.failAll(cause);
        List<DriverInput> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.forEach(input -> input.fail(cause));
    }
}
