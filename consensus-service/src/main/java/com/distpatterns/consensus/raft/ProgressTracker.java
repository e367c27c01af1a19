package com.distpatterns.consensus.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;

/** The membership as applied so far, the leader's progress per member, and the votes of an election. */
final class ProgressTracker {

    /** Where an election stands. */
    enum VoteResult {
        PENDING, WON, LOST
    }

    private final int maxInflight;
    private ConfState conf = ConfState.EMPTY;
    // Ordered maps: iteration decides message order, which must be reproducible for a given seed.
    private final TreeMap<Long, Progress> progress = new TreeMap<>();
    private final HashMap<Long, Progress> byId = new HashMap<>();
    private final TreeMap<Long, Boolean> votes = new TreeMap<>();
    // The voters' progress in id order, rebuilt on every membership change, and room to sort their marks in:
    // quorumMatch runs on every append answer and on every leader Ready with entries (its self-acknowledgement
    // since issue 18), and walking the sorted set and the map there took 11 % of the unbatched engine benchmark
    // (JFR, 2026-12-03), a third of it the call in advance() that the engine before issue 18 did not make.
    private Progress[] voterProgress = new Progress[0];
    private long[] quorumScratch = new long[0];

    ProgressTracker(int maxInflight) {
        this.maxInflight = maxInflight;
    }

    ConfState conf() {
        return conf;
    }

    boolean isVoter(long id) {
        return conf.voters().contains(id);
    }

    int quorum() {
        return conf.voters().size() / 2 + 1;
    }

    Progress get(long id) {
        return byId.get(id);
    }

    Collection<Progress> all() {
        return progress.values();
    }

    /** Replaces the membership, keeping the progress of members that stay; new members start probing. */
    void setConf(ConfState newConf, long lastIndex) {
        conf = newConf;
        progress.keySet().removeIf(id -> !newConf.isMember(id));
        byId.keySet().removeIf(id -> !newConf.isMember(id));
        for (long id : newConf.voters()) {
            addOrUpdate(id, false, lastIndex);
        }
        for (long id : newConf.learners()) {
            addOrUpdate(id, true, lastIndex);
        }
        votes.keySet().removeIf(id -> !newConf.voters().contains(id));
        voterProgress = new Progress[newConf.voters().size()];
        int i = 0;
        for (long id : newConf.voters()) {
            voterProgress[i++] = progress.get(id); // present: added just above
        }
        quorumScratch = new long[voterProgress.length];
    }

    private void addOrUpdate(long id, boolean learner, long lastIndex) {
        Progress existing = progress.get(id);
        if (existing != null) {
            existing.learner = learner;
            return;
        }
        Progress fresh = new Progress(id, lastIndex + 1, maxInflight, learner);
        fresh.recentActive = true; // give a new member a full election timeout before check-quorum counts it
        progress.put(id, fresh);
        byId.put(id, fresh);
    }

    void resetProgress(long selfId, long lastIndex) {
        for (Progress pr : progress.values()) {
            pr.reset(lastIndex + 1);
            if (pr.id == selfId) {
                pr.match = lastIndex;
            }
        }
    }

    /** The highest index a quorum of voters has: everything up to it is safely replicated. */
    long quorumMatch() {
        long[] values = quorumScratch;
        for (int i = 0; i < values.length; i++) {
            values[i] = voterProgress[i].match;
        }
        return quorumValue(values);
    }

    /** The highest read round a quorum of voters has confirmed. */
    long quorumReadRound() {
        long[] values = quorumScratch;
        for (int i = 0; i < values.length; i++) {
            values[i] = voterProgress[i].readRoundAcked;
        }
        return quorumValue(values);
    }

    /** The value a quorum of voters has reached: sorts {@code values}, one per voter. */
    private long quorumValue(long[] values) {
        if (values.length == 0) {
            return 0;
        }
        Arrays.sort(values);
        return values[values.length - quorum()];
    }

    /** Whether a quorum of voters was heard from since the last check; clears the marks for the next one. */
    boolean quorumActive(long selfId) {
        int active = 0;
        for (long id : conf.voters()) {
            Progress pr = progress.get(id);
            if (id == selfId || (pr != null && pr.recentActive)) {
                active++;
            }
        }
        for (Progress pr : progress.values()) {
            if (pr.id != selfId) {
                pr.recentActive = false;
            }
        }
        return active >= quorum();
    }

    void resetVotes() {
        votes.clear();
    }

    void recordVote(long id, boolean granted) {
        if (conf.voters().contains(id)) {
            votes.putIfAbsent(id, granted);
        }
    }

    VoteResult tally() {
        int granted = 0;
        int rejected = 0;
        for (boolean vote : votes.values()) {
            if (vote) {
                granted++;
            } else {
                rejected++;
            }
        }
        if (granted >= quorum()) {
            return VoteResult.WON;
        }
        int missing = conf.voters().size() - granted - rejected;
        return granted + missing >= quorum() ? VoteResult.PENDING : VoteResult.LOST;
    }

    List<Long> votersExcept(long selfId) {
        List<Long> others = new ArrayList<>(conf.voters());
        others.remove(selfId);
        return others;
    }
}
