package com.distpatterns.consensus.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Follows one election's leader: a linearizable read of its candidates, then a watch of its prefix from the
 * revision after, applied to a local copy of the candidates. So no change is missed between the read and the
 * watch, and a watch that ends (lagging, compacted) is taken up again without a gap.
 */
public final class ElectionObserver implements AutoCloseable {

    private final String name;
    private final Elections elections;
    private final Watches watches;
    private final Map<String, KeyValue> candidates = new HashMap<>();
    private Watch watch;
    private long revision;
    private boolean told;
    private ElectionLeader shown;

    ElectionObserver(String name, Elections elections, Watches watches) {
        this.name = name;
        this.elections = elections;
        this.watches = watches;
    }

    /**
     * The first call tells who leads now; each later one the next change of leader or of its value, or null when
     * none came within {@code timeout}.
     */
    public ElectionEvent next(Duration timeout) throws InterruptedException {
        if (watch == null) {
            relist();
            return changed();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            WatchMessage message = watch.next(Duration.ofNanos(left));
            switch (message) {
                case null -> {
                    return null;
                }
                case WatchMessage.Changes changes -> apply(changes);
                case WatchMessage.Progress progress -> {
                }
                case WatchMessage.Lagging lagging -> follow(lagging.resumeFrom());
                case WatchMessage.Compacted compacted -> {
                    watch.close();
                    relist();
                }
            }
            ElectionEvent event = changed();
            if (event != null) {
                return event;
            }
        }
    }

    private void relist() {
        Candidates now = elections.candidates(name);
        candidates.clear();
        now.keys().forEach(kv -> candidates.put(kv.key(), kv));
        revision = now.revision();
        follow(now.revision() + 1);
    }

    private void follow(long fromRevision) {
        if (watch != null) {
            watch.close();
        }
        watch = watches.watch(new WatchRequest(ElectionKeys.prefix(name), true, fromRevision, false));
    }

    private void apply(WatchMessage.Changes changes) {
        for (WatchEvent event : changes.events()) {
            switch (event.type()) {
                case PUT -> candidates.put(event.kv().key(), event.kv());
                case DELETE -> candidates.remove(event.kv().key());
            }
        }
        revision = changes.revision();
    }

    /** The event to tell if the leader or its value differs from what was told last; null if not. */
    private ElectionEvent changed() {
        Optional<ElectionLeader> leader = candidates.values().stream()
                .min(Comparator.comparingLong(KeyValue::createRevision))
                .map(kv -> ElectionLeader.of(name, kv));
        if (told && same(shown, leader.orElse(null))) {
            return null;
        }
        told = true;
        shown = leader.orElse(null);
        return leader.<ElectionEvent>map(l -> new ElectionEvent.Leader(l, revision))
                .orElseGet(() -> new ElectionEvent.NoLeader(name, revision));
    }

    private static boolean same(ElectionLeader a, ElectionLeader b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.key().equals(b.key()) && a.revision() == b.revision() && Arrays.equals(a.value(), b.value());
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
