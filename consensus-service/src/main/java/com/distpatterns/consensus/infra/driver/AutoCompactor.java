package com.distpatterns.consensus.infra.driver;

import com.distpatterns.consensus.core.Applied;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvCommandCodec;
import com.distpatterns.consensus.infra.driver.DriverInput.KvProposal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader compacts the history by itself: it proposes a compaction keeping the last {@code retainRevisions}
 * revisions and what was written in the last {@code retainTime}, whichever keeps less, at most once a second and
 * once the target is a tenth of the revisions kept (at most {@value #STEP}) past the last compaction. Off when both
 * are 0. A proposal like any other, so every node compacts at the same index. Confined to the driver thread.
 */
final class AutoCompactor {

    private static final Logger log = LoggerFactory.getLogger(AutoCompactor.class);
    /** Automatic compactions come in steps of at most this many revisions. */
    private static final long STEP = 100;
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    /** The store's revision at a moment: what retaining a duration of history keeps. */
    private record Sample(long atNanos, long revision) {}

    private final long selfId;
    private final AutoCompaction policy;
    private final Duration requestTimeout;
    private final StoreApplier applier;
    private final ProposalRouter router;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long lastRun;

    AutoCompactor(long selfId, AutoCompaction policy, Duration requestTimeout, StoreApplier applier,
            ProposalRouter router) {
        this.selfId = selfId;
        this.policy = policy;
        this.requestTimeout = requestTimeout;
        this.applier = applier;
        this.router = router;
    }

    /** On the leader, each tick. */
    void compactIfDue(long now) {
        if (policy.off() || now - lastRun < INTERVAL_NANOS) {
            return;
        }
        lastRun = now;
        long revision = applier.store().revision();
        samples.addLast(new Sample(now, revision));
        long target = 0;
        if (policy.retainRevisions() > 0) {
            target = revision - policy.retainRevisions();
        }
        if (!policy.retainTime().isZero()) {
            long byTime = revisionAt(now - policy.retainTime().toNanos());
            target = target == 0 ? byTime : Math.max(target, byTime);
        }
        long compactTo = target;
        long step = policy.retainRevisions() > 0 ? Math.clamp(policy.retainRevisions() / 10, 1, STEP) : STEP;
        if (compactTo - applier.store().compactedRevision() >= step) {
            CompletableFuture<Applied> done = new CompletableFuture<>();
            router.add(new KvProposal(KvCommandCodec.encode(new KvCommand.Compact(compactTo)), done,
                    System.nanoTime() + requestTimeout.toNanos()));
            done.whenComplete((applied, e) -> {
                if (e == null) {
                    log.info("Node {} compacted the history to revision {} (automatic)", selfId, compactTo);
                }
            });
        }
    }

    /** The revision as of {@code cutoff}, 0 if no sample is that old; samples older than it are dropped. */
    private long revisionAt(long cutoff) {
        long byTime = 0;
        while (!samples.isEmpty() && samples.peekFirst().atNanos() <= cutoff) {
            byTime = samples.pollFirst().revision();
        }
        if (byTime > 0) {
            samples.addFirst(new Sample(cutoff, byTime));
        }
        return byTime;
    }
}
