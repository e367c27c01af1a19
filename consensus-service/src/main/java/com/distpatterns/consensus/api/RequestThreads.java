package com.distpatterns.consensus.api;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Virtual threads that serve long requests (campaigns, watch and observe streams), each known from its start to its
 * end, so that a stopping node can interrupt them all and give them a moment to finish what they must (a campaign
 * withdraws its key, a stream completes its response) before the web server's graceful shutdown waits for them.
 *
 * <p>Threads: any; the set is concurrent and a thread removes itself when its work ends.
 */
final class RequestThreads {

    private final String name;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();

    RequestThreads(String name) {
        this.name = name;
    }

    /** Starts {@code work} on a new virtual thread, known here until it ends. */
    Thread start(Runnable work) {
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                work.run();
            } finally {
                live.remove(Thread.currentThread());
            }
        });
        live.add(thread); // before it starts, so that it cannot end before it is known
        thread.start();
        return thread;
    }

    /** Threads whose work has not ended. */
    int size() {
        return live.size();
    }

    /** Interrupts every thread, then waits up to {@code each} for each to end; returns early if itself interrupted. */
    void interruptAndJoin(Duration each) {
        live.forEach(Thread::interrupt);
        for (Thread thread : live) {
            try {
                thread.join(each);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
