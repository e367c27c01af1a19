package com.distpatterns.consensus.raft;

import com.distpatterns.consensus.raft.Message.AppendEntries;
import com.distpatterns.consensus.raft.Message.AppendResponse;
import com.distpatterns.consensus.raft.Message.Heartbeat;
import com.distpatterns.consensus.raft.Message.HeartbeatResponse;
import com.distpatterns.consensus.raft.Message.InstallSnapshot;
import com.distpatterns.consensus.raft.Message.ReadIndexRequest;
import com.distpatterns.consensus.raft.Message.ReadIndexResponse;
import com.distpatterns.consensus.raft.Message.RequestVote;
import com.distpatterns.consensus.raft.Message.SnapshotResponse;
import com.distpatterns.consensus.raft.Message.TimeoutNow;
import com.distpatterns.consensus.raft.Message.VoteResponse;
import com.distpatterns.consensus.raft.ProposalResult.Accepted;
import com.distpatterns.consensus.raft.ProposalResult.Reason;
import com.distpatterns.consensus.raft.ProposalResult.Rejected;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One Raft peer as a deterministic state machine: no threads, sockets, clock or disk.
 *
 * <p>Inputs are {@link #tick()}, {@link #step(Message)}, {@link #propose(List)}, {@link #proposeConfChange},
 * {@link #readIndex(long)} and {@link #transferLeadership(long)}. Everything they cause comes out of
 * {@link #ready()}, which the driver handles as {@link Ready} describes and acknowledges with
 * {@link #advance(Ready)}; no input is taken between the two. Not thread-safe: one thread drives a node.
 */
public final class RaftNode {

    /** Stands for "no node": no vote cast, no leader known. */
    public static final long NONE = 0;

    private final long id;
    private final RaftConfig config;
    private final RaftLog log;
    private final ProgressTracker tracker;
    private final SplittableRandom random;

    private long term;
    private long vote = NONE;
    private long leaderId = NONE;
    private Role role = Role.FOLLOWER;

    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;

    private long leadTransferee = NONE;
    // The leader proposes no membership change while an earlier one (or its first entry) is unapplied.
    private long pendingConfIndex;

    private final List<Message> outbox = new ArrayList<>();
    // Answers that promise what this node holds (etcd's msgsAfterAppend): they leave only once the Ready is durable.
    private final List<Message> outboxAfterPersist = new ArrayList<>();
    // Appends are sent when the driver asks for a Ready, so proposals made meanwhile share one message.
    private boolean broadcastEntries;
    private boolean broadcastCommit;
    private boolean broadcastReadRound;
    private final TreeMap<Long, Boolean> appendWanted = new TreeMap<>();

    private final ReadIndexQueue reads = new ReadIndexQueue();
    private final List<ReadState> confirmedReads = new ArrayList<>();
    private IncomingSnapshot incomingSnapshot;

    private HardState persistedHardState;
    private boolean readyOutstanding;
    // The leader's own entry in the tracker, looked up once per term rather than once per proposal.
    private Progress selfProgress;

    /** Starts (or restarts) a node from what {@code storage} holds. */
    public RaftNode(RaftConfig config, Storage storage) {
        this.config = Objects.requireNonNull(config, "config");
        this.id = config.id();
        this.log = new RaftLog(storage);
        this.tracker = new ProgressTracker(config.maxInflight());
        this.random = new SplittableRandom(config.randomSeed());
        Storage.InitialState initial = storage.initialState();
        tracker.setConf(initial.confState(), log.lastIndex());
        HardState saved = initial.hardState();
        if (!saved.isEmpty()) {
            if (saved.commit() > log.lastIndex()) {
                throw new IllegalStateException(
                        "saved commit " + saved.commit() + " is past the last index " + log.lastIndex());
            }
            log.restoreCommitted(Math.max(saved.commit(), log.committed()));
            term = saved.term();
            vote = saved.vote();
        }
        persistedHardState = hardState();
        becomeFollower(term, NONE);
    }

    // ---------------------------------------------------------------- inputs

    /** Advances the logical clock by one tick: elections and heartbeats are counted in ticks. */
    public void tick() {
        checkNoReadyOutstanding();
        if (role == Role.LEADER) {
            tickHeartbeat();
        } else {
            tickElection();
        }
    }

    /** Starts an election now, as an election timeout would (used by tests and operators). */
    public void campaign() {
        checkNoReadyOutstanding();
        hup(false);
    }

    /** Proposes one command; see {@link #propose(List)}. */
    public ProposalResult propose(byte[] command) {
        checkNoReadyOutstanding();
        Rejected refusal = refusal();
        if (refusal != null) {
            return refusal;
        }
        long index = log.lastIndex() + 1;
        appendEntries(List.of(Entry.normal(term, index, Objects.requireNonNull(command))));
        return new Accepted(index, index, term);
    }

    /** Appends commands to the log if this node leads; they travel to the followers in one append. */
    public ProposalResult propose(List<byte[]> commands) {
        checkNoReadyOutstanding();
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("nothing to propose");
        }
        Rejected refusal = refusal();
        if (refusal != null) {
            return refusal;
        }
        long first = log.lastIndex() + 1;
        List<Entry> entries = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            entries.add(Entry.normal(term, first + i, Objects.requireNonNull(commands.get(i))));
        }
        appendEntries(entries);
        return new Accepted(first, first + commands.size() - 1, term);
    }

    /** Proposes a change of membership by one server; only one may be pending at a time. */
    public ProposalResult proposeConfChange(ConfChange change) {
        checkNoReadyOutstanding();
        Rejected refusal = refusal();
        if (refusal != null) {
            return refusal;
        }
        if (pendingConfIndex > log.applied()) {
            return new Rejected(Reason.CONF_CHANGE_PENDING, leaderId);
        }
        if (!isValid(change, tracker.conf())) {
            return new Rejected(Reason.INVALID_CONF_CHANGE, leaderId);
        }
        long index = log.lastIndex() + 1;
        appendEntries(List.of(new Entry(term, index, Entry.Type.CONF_CHANGE, change.toBytes())));
        pendingConfIndex = index;
        return new Accepted(index, index, term);
    }

    /**
     * Asks for a linearizable read without writing to the log. When the leader has confirmed with a quorum
     * that it still leads, and this node has applied up to that commit index, a {@link ReadState} with the
     * same context comes out of {@link #ready()}. Returns false when no leader is known to ask; a request is
     * silently dropped if leadership changes before it is confirmed, so callers time out and retry.
     */
    public boolean readIndex(long context) {
        checkNoReadyOutstanding();
        if (role == Role.LEADER) {
            registerRead(id, context);
            return true;
        }
        if (role == Role.FOLLOWER && leaderId != NONE) {
            send(new ReadIndexRequest(id, leaderId, term, context));
            return true;
        }
        return false;
    }

    /** Hands leadership to a caught-up voter; proposals are refused until it is done or abandoned. */
    public boolean transferLeadership(long target) {
        checkNoReadyOutstanding();
        if (role != Role.LEADER || target == id || !tracker.isVoter(target)) {
            return false;
        }
        if (leadTransferee == target) {
            return true;
        }
        leadTransferee = target;
        electionElapsed = 0; // the transfer is abandoned if it has not finished in an election timeout
        if (tracker.get(target).match == log.lastIndex()) {
            send(new TimeoutNow(id, target, term));
        } else {
            appendWanted.put(target, true);
        }
        return true;
    }

    /** Takes a message from a peer. */
    public void step(Message m) {
        checkNoReadyOutstanding();
        if (m.to() != id) {
            throw new IllegalArgumentException("message for " + m.to() + " delivered to " + id + ": " + m);
        }
        switch (m) {
            case ReadIndexRequest r -> {
                if (role == Role.LEADER) {
                    registerRead(r.from(), r.context());
                }
                return;
            }
            case ReadIndexResponse r -> {
                confirmedReads.add(new ReadState(r.index(), r.context()));
                return;
            }
            default -> {
            }
        }
        if (m.term() > term) {
            if (m instanceof RequestVote rv) {
                boolean inLease = config.checkQuorum() && leaderId != NONE && electionElapsed < config.electionTick();
                if (inLease && !rv.leadershipTransfer()) {
                    return; // a leader was heard recently: a rejoining node must not depose it
                }
                if (!rv.preVote()) {
                    becomeFollower(m.term(), NONE);
                }
            } else if (m instanceof VoteResponse vr && vr.preVote() && vr.granted()) {
                // A granted pre-vote carries the term we asked about; we move to it only once we win.
            } else if (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot) {
                becomeFollower(m.term(), m.from());
            } else {
                becomeFollower(m.term(), NONE);
            }
        } else if (m.term() < term) {
            if ((config.checkQuorum() || config.preVote()) && (m instanceof AppendEntries || m instanceof Heartbeat)) {
                // A leader cut off by a partition may never see a higher term otherwise: we ignore its votes.
                send(AppendResponse.accepted(id, m.from(), term, 0));
            } else if (m instanceof RequestVote rv && rv.preVote()) {
                send(new VoteResponse(id, m.from(), term, false, true));
            }
            return;
        }
        if (m instanceof RequestVote rv) {
            handleVoteRequest(rv);
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(m);
            case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
            case FOLLOWER -> stepFollower(m);
        }
    }

    // ---------------------------------------------------------------- output

    /** Whether {@link #ready()} has anything to hand out. */
    public boolean hasReady() {
        checkNoReadyOutstanding();
        flushAppends();
        return !outbox.isEmpty() || !outboxAfterPersist.isEmpty() || log.hasUnstable()
                || !hardState().equals(persistedHardState)
                || log.hasNextCommittedEntries() || hasServableRead();
    }

    /** Collects everything produced since the last {@link #advance(Ready)}; see {@link Ready} for the rules. */
    public Ready ready() {
        checkNoReadyOutstanding();
        flushAppends();
        HardState hardState = hardState();
        Snapshot snapshot = log.unstableSnapshot();
        List<Entry> committed = log.nextCommittedEntries(config.maxApplyBytes());
        long appliedAfter = log.applied();
        if (snapshot != null) {
            appliedAfter = snapshot.index();
        } else if (!committed.isEmpty()) {
            appliedAfter = committed.getLast().index();
        }
        List<ReadState> servable = confirmedReads.isEmpty() ? List.of() : new ArrayList<>();
        for (Iterator<ReadState> it = confirmedReads.iterator(); it.hasNext();) {
            ReadState read = it.next();
            if (read.index() <= appliedAfter) {
                servable.add(read);
                it.remove();
            }
        }
        // A message carries this node's term; a new term or vote must be durable before anyone hears of it, and so
        // must a snapshot before the answer that acknowledges it. Then nothing may leave early.
        boolean termOrVoteChanged = hardState.term() != persistedHardState.term()
                || hardState.vote() != persistedHardState.vote();
        List<Message> early = outbox;
        List<Message> afterPersist = outboxAfterPersist;
        if (termOrVoteChanged || snapshot != null) {
            afterPersist = new ArrayList<>(outbox);
            afterPersist.addAll(outboxAfterPersist);
            early = List.of();
        }
        Ready ready = new Ready(
                hardState.equals(persistedHardState) ? Optional.empty() : Optional.of(hardState),
                log.unstableEntries(), Optional.ofNullable(snapshot), committed, early, afterPersist, servable);
        outbox.clear();
        outboxAfterPersist.clear();
        readyOutstanding = true;
        return ready;
    }

    /** Acknowledges that a Ready was persisted, sent and applied; membership changes in it take effect now. */
    public void advance(Ready ready) {
        if (!readyOutstanding) {
            throw new IllegalStateException("advance without a Ready outstanding");
        }
        readyOutstanding = false;
        ready.hardState().ifPresent(hs -> persistedHardState = hs);
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().getLast();
            log.stableTo(last.index(), last.term());
            if (role == Role.LEADER && last.term() == term) {
                // The leader's own acknowledgement: its copy counts toward a commit only now that it is durable,
                // whatever order the driver sent the appends in (etcd steps its self-MsgAppResp on Advance alike).
                selfProgress.maybeUpdate(last.index());
                maybeCommit();
            }
        }
        ready.snapshot().ifPresent(snapshot -> {
            log.stableSnapshotTo(snapshot.index());
            log.appliedTo(snapshot.index());
        });
        if (!ready.committedEntries().isEmpty()) {
            log.appliedTo(ready.committedEntries().getLast().index());
            for (Entry entry : ready.committedEntries()) {
                if (entry.type() == Entry.Type.CONF_CHANGE) {
                    applyConfChange(ConfChange.fromBytes(entry.data()));
                }
            }
        }
    }

    // ---------------------------------------------------------------- observers

    public long id() {
        return id;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    public long leaderId() {
        return leaderId;
    }

    /** The membership as of the last applied entry: what a snapshot taken now must record. */
    public ConfState confState() {
        return tracker.conf();
    }

    /** A read-only view of the log with its commit and applied marks. */
    public RaftLog log() {
        return log;
    }

    public HardState hardState() {
        return new HardState(term, vote, log.committed());
    }

    public Status status() {
        TreeMap<Long, Status.Peer> peers = new TreeMap<>();
        if (role == Role.LEADER) {
            for (Progress pr : tracker.all()) {
                peers.put(pr.id, new Status.Peer(pr.match, pr.next, pr.state.name(), pr.learner, pr.recentActive));
            }
        }
        return new Status(id, role, term, vote, leaderId, log.committed(), log.applied(), log.lastIndex(),
                tracker.conf(), peers);
    }

    // ---------------------------------------------------------------- roles

    private void becomeFollower(long newTerm, long leader) {
        reset(newTerm);
        leaderId = leader;
        role = Role.FOLLOWER;
    }

    private void becomePreCandidate() {
        // A pre-candidate changes neither term nor vote: losing the pre-vote leaves the cluster undisturbed.
        role = Role.PRE_CANDIDATE;
        tracker.resetVotes();
        leaderId = NONE;
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    private void becomeLeader() {
        reset(term);
        leaderId = id;
        role = Role.LEADER;
        selfProgress = tracker.get(id);
        selfProgress.match = Math.min(selfProgress.match, log.lastStableIndex()); // only what is durable counts
        selfProgress.becomeReplicate();
        selfProgress.recentActive = true;
        // Entries of earlier terms commit only with one of this term (5.4.2): append it right away. Until it
        // is applied, this leader may not know every membership change, so it proposes none.
        pendingConfIndex = log.lastIndex();
        appendEntries(List.of(Entry.normal(term, log.lastIndex() + 1, new byte[0])));
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        leaderId = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTick() + random.nextInt(config.electionTick());
        leadTransferee = NONE;
        tracker.resetVotes();
        tracker.resetProgress(id, log.lastIndex());
        pendingConfIndex = 0;
        reads.clear();
        broadcastEntries = false;
        broadcastCommit = false;
        broadcastReadRound = false;
        appendWanted.clear();
    }

    private boolean promotable() {
        return tracker.isVoter(id);
    }

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            hup(false);
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.electionTick()) {
            electionElapsed = 0;
            if (config.checkQuorum() && !tracker.quorumActive(id)) {
                becomeFollower(term, NONE);
                return;
            }
            leadTransferee = NONE;
        }
        if (heartbeatElapsed >= config.heartbeatTick()) {
            heartbeatElapsed = 0;
            broadcastHeartbeat();
        }
    }

    private void hup(boolean transfer) {
        if (role == Role.LEADER || !promotable() || hasUnappliedConfChange()) {
            return; // with a membership change still to apply, this node may not know who votes
        }
        campaign(config.preVote() && !transfer, transfer);
    }

    private boolean hasUnappliedConfChange() {
        if (log.committed() <= log.applied()) {
            return false;
        }
        for (Entry entry : log.slice(log.applied() + 1, log.committed() + 1, Long.MAX_VALUE)) {
            if (entry.type() == Entry.Type.CONF_CHANGE) {
                return true;
            }
        }
        return false;
    }

    private void campaign(boolean preVote, boolean transfer) {
        long voteTerm;
        if (preVote) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        tracker.recordVote(id, true);
        if (tracker.tally() == ProgressTracker.VoteResult.WON) {
            if (preVote) {
                campaign(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        for (long voter : tracker.votersExcept(id)) {
            send(new RequestVote(id, voter, voteTerm, log.lastIndex(), log.lastTerm(), preVote, transfer));
        }
    }

    private void handleVoteRequest(RequestVote rv) {
        boolean canVote = vote == rv.from()
                || (vote == NONE && leaderId == NONE)
                || (rv.preVote() && rv.term() > term);
        if (canVote && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm())) {
            send(new VoteResponse(id, rv.from(), rv.term(), true, rv.preVote()));
            if (!rv.preVote()) {
                electionElapsed = 0;
                vote = rv.from();
            }
        } else {
            send(new VoteResponse(id, rv.from(), term, false, rv.preVote()));
        }
    }

    private void stepFollower(Message m) {
        switch (m) {
            case AppendEntries a -> {
                electionElapsed = 0;
                leaderId = a.from();
                handleAppendEntries(a);
            }
            case Heartbeat h -> {
                electionElapsed = 0;
                leaderId = h.from();
                handleHeartbeat(h);
            }
            case InstallSnapshot s -> {
                electionElapsed = 0;
                leaderId = s.from();
                handleSnapshotChunk(s);
            }
            case TimeoutNow t -> hup(true);
            default -> {
                // answers meant for an office this node no longer holds
            }
        }
    }

    private void stepCandidate(Message m) {
        switch (m) {
            case AppendEntries a -> {
                becomeFollower(term, a.from());
                handleAppendEntries(a);
            }
            case Heartbeat h -> {
                becomeFollower(term, h.from());
                handleHeartbeat(h);
            }
            case InstallSnapshot s -> {
                becomeFollower(term, s.from());
                handleSnapshotChunk(s);
            }
            case VoteResponse v when v.preVote() == (role == Role.PRE_CANDIDATE) -> {
                tracker.recordVote(v.from(), v.granted());
                switch (tracker.tally()) {
                    case WON -> {
                        if (role == Role.PRE_CANDIDATE) {
                            campaign(false, false);
                        } else {
                            becomeLeader();
                        }
                    }
                    case LOST -> becomeFollower(term, NONE);
                    case PENDING -> {
                    }
                }
            }
            default -> {
            }
        }
    }

    private void stepLeader(Message m) {
        switch (m) {
            case AppendResponse r -> handleAppendResponse(r);
            case HeartbeatResponse r -> handleHeartbeatResponse(r);
            case SnapshotResponse r -> handleSnapshotResponse(r);
            default -> {
            }
        }
    }

    // ---------------------------------------------------------------- follower side of replication

    private void handleAppendEntries(AppendEntries a) {
        if (a.prevLogIndex() < log.committed()) {
            send(AppendResponse.accepted(id, a.from(), term, log.committed()));
            return;
        }
        long lastNew = log.maybeAppend(a.prevLogIndex(), a.prevLogTerm(), a.leaderCommit(), a.entries());
        if (lastNew >= 0) {
            send(AppendResponse.accepted(id, a.from(), term, lastNew));
            return;
        }
        long hintIndex = log.findConflictByTerm(Math.min(a.prevLogIndex(), log.lastIndex()), a.prevLogTerm());
        long hintTerm = log.term(hintIndex);
        send(new AppendResponse(id, a.from(), term, true, a.prevLogIndex(), hintIndex, hintTerm));
    }

    private void handleHeartbeat(Heartbeat h) {
        log.commitTo(h.commit());
        send(new HeartbeatResponse(id, h.from(), term, h.readRound()));
    }

    private void handleSnapshotChunk(InstallSnapshot m) {
        SnapshotMetadata metadata = m.metadata();
        if (metadata.index() <= log.committed()) {
            incomingSnapshot = null;
            send(AppendResponse.accepted(id, m.from(), term, log.committed()));
            return;
        }
        if (m.offset() == 0) {
            incomingSnapshot = new IncomingSnapshot(m.from(), metadata);
        }
        boolean matches = incomingSnapshot != null && incomingSnapshot.isFor(m.from(), metadata);
        if (!matches || incomingSnapshot.size() != m.offset()) {
            send(new SnapshotResponse(id, m.from(), term, metadata.index(), matches ? incomingSnapshot.size() : 0));
            return;
        }
        incomingSnapshot.append(m.chunk());
        if (!m.last()) {
            send(new SnapshotResponse(id, m.from(), term, metadata.index(), incomingSnapshot.size()));
            return;
        }
        Snapshot snapshot = incomingSnapshot.toSnapshot();
        incomingSnapshot = null;
        boolean restored = restore(snapshot);
        send(AppendResponse.accepted(id, m.from(), term, restored ? log.lastIndex() : log.committed()));
    }

    private boolean restore(Snapshot snapshot) {
        if (snapshot.index() <= log.committed()) {
            return false;
        }
        if (log.matchTerm(snapshot.index(), snapshot.term())) {
            log.commitTo(snapshot.index()); // we have the entries already: just learn that they are committed
            return false;
        }
        log.restore(snapshot);
        tracker.setConf(snapshot.metadata().confState(), log.lastIndex());
        return true;
    }

    // ---------------------------------------------------------------- leader side of replication

    private Rejected refusal() {
        if (role != Role.LEADER) {
            return new Rejected(Reason.NOT_LEADER, leaderId);
        }
        if (leadTransferee != NONE) {
            return new Rejected(Reason.LEADERSHIP_TRANSFER_IN_PROGRESS, leaderId);
        }
        return null;
    }

    private static boolean isValid(ConfChange change, ConfState conf) {
        long node = change.nodeId();
        return switch (change.type()) {
            case ADD_LEARNER -> !conf.isMember(node);
            case ADD_VOTER -> conf.learners().contains(node);
            case REMOVE -> conf.isMember(node) && !(conf.voters().contains(node) && conf.voters().size() == 1);
        };
    }

    private void appendEntries(List<Entry> entries) {
        // The leader's own copy is not counted here: it is unsynced until the driver persists it (see advance).
        log.append(entries);
        broadcastEntries = true;
    }

    private boolean maybeCommit() {
        if (!log.maybeCommit(tracker.quorumMatch(), term)) {
            return false;
        }
        broadcastCommit = true;
        for (ReadIndexQueue.DeferredRead read : reads.takeDeferred()) {
            registerRead(read.requester(), read.context());
        }
        return true;
    }

    private void handleAppendResponse(AppendResponse r) {
        Progress pr = tracker.get(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive = true;
        if (r.rejected()) {
            long hint = r.hintTerm() > 0 ? log.findConflictByTerm(r.hintIndex(), r.hintTerm()) : r.hintIndex();
            if (pr.maybeDecreaseTo(r.index(), hint)) {
                if (pr.state == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                appendWanted.put(pr.id, true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        boolean updated = pr.maybeUpdate(r.index());
        boolean snapshotDone = pr.state == Progress.State.SNAPSHOT && pr.match >= pr.pendingSnapshot;
        boolean probeMatched = pr.state == Progress.State.PROBE && pr.match == r.index();
        if (!updated && !snapshotDone && !probeMatched) {
            return;
        }
        switch (pr.state) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (snapshotDone) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights.freeLE(r.index());
        }
        maybeCommit();
        appendWanted.merge(pr.id, wasPaused, Boolean::logicalOr);
        if (pr.id == leadTransferee && pr.match == log.lastIndex()) {
            send(new TimeoutNow(id, pr.id, term));
        }
    }

    private void handleHeartbeatResponse(HeartbeatResponse r) {
        Progress pr = tracker.get(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive = true;
        pr.probeSent = false;
        if (pr.state == Progress.State.REPLICATE && pr.inflights.full()) {
            pr.inflights.freeFirstOne(); // all the appends in flight may have been lost
        }
        if (pr.state == Progress.State.SNAPSHOT) {
            sendSnapshotChunk(pr); // the chunk or its acknowledgement may have been lost
        } else if (pr.match < log.lastIndex() || pr.state == Progress.State.PROBE) {
            appendWanted.put(pr.id, true);
        }
        if (!pr.learner && r.readRound() > pr.readRoundAcked) {
            pr.readRoundAcked = r.readRound();
            releaseConfirmedReads();
        }
    }

    private void handleSnapshotResponse(SnapshotResponse r) {
        Progress pr = tracker.get(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive = true;
        if (pr.state != Progress.State.SNAPSHOT || r.snapshotIndex() != pr.pendingSnapshot
                || r.nextOffset() == pr.snapshotOffset) {
            return; // stale, or a duplicate of an acknowledgement already acted on
        }
        pr.snapshotOffset = r.nextOffset();
        sendSnapshotChunk(pr);
    }

    private void flushAppends() {
        if (role != Role.LEADER) {
            broadcastEntries = false;
            broadcastCommit = false;
            broadcastReadRound = false;
            appendWanted.clear();
            return;
        }
        if (broadcastReadRound) {
            broadcastReadRound = false;
            broadcastHeartbeat();
        }
        if (!broadcastEntries && !broadcastCommit && appendWanted.isEmpty()) {
            return;
        }
        for (Progress pr : tracker.all()) {
            if (pr.id == id) {
                continue;
            }
            Boolean wanted = appendWanted.get(pr.id);
            if (!broadcastEntries && !broadcastCommit && wanted == null) {
                continue;
            }
            boolean sendIfEmpty = broadcastCommit || Boolean.TRUE.equals(wanted);
            if (sendAppend(pr, sendIfEmpty)) {
                while (sendAppend(pr, false)) {
                    // keep the pipeline full up to the in-flight limit
                }
            }
        }
        broadcastEntries = false;
        broadcastCommit = false;
        appendWanted.clear();
    }

    private boolean sendAppend(Progress pr, boolean sendIfEmpty) {
        if (pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next - 1;
        long prevTerm;
        List<Entry> entries;
        try {
            prevTerm = log.term(prevIndex);
            entries = pr.next <= log.lastIndex()
                    ? log.slice(pr.next, log.lastIndex() + 1, config.maxBatchBytes())
                    : List.of();
        } catch (LogCompactedException e) {
            return sendSnapshotChunk(pr);
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        send(new AppendEntries(id, pr.id, term, prevIndex, prevTerm, entries, log.committed()));
        pr.sentEntries(prevIndex + entries.size(), !entries.isEmpty());
        return true;
    }

    private boolean sendSnapshotChunk(Progress pr) {
        Snapshot snapshot = log.snapshot();
        if (pr.state != Progress.State.SNAPSHOT || pr.pendingSnapshot != snapshot.index()
                || pr.snapshotTerm != snapshot.term()) {
            if (!pr.recentActive) {
                return false; // do not stream a snapshot into a follower that may be down
            }
            pr.becomeSnapshot(snapshot.index(), snapshot.term());
        }
        byte[] data = snapshot.data();
        int offset = (int) Math.min(pr.snapshotOffset, data.length);
        int end = (int) Math.min((long) offset + config.snapshotChunkBytes(), data.length);
        send(new InstallSnapshot(id, pr.id, term, snapshot.metadata(), offset, Arrays.copyOfRange(data, offset, end),
                end == data.length));
        return true;
    }

    private void broadcastHeartbeat() {
        long round = reads.round();
        for (Progress pr : tracker.all()) {
            if (pr.id != id) {
                send(new Heartbeat(id, pr.id, term, Math.min(pr.match, log.committed()), round));
            }
        }
    }

    // ---------------------------------------------------------------- reads

    private void registerRead(long requester, long context) {
        if (tracker.quorum() == 1 && tracker.isVoter(id)) {
            deliverRead(requester, log.committed(), context);
            return;
        }
        if (log.term(log.committed()) != term) {
            // Until an entry of this term commits, our commit index may be behind what earlier leaders committed.
            reads.defer(requester, context);
            return;
        }
        long round = reads.register(log.committed(), requester, context);
        tracker.get(id).readRoundAcked = round;
        broadcastReadRound = true;
    }

    private void releaseConfirmedReads() {
        for (ReadIndexQueue.PendingRead read : reads.confirmedUpTo(tracker.quorumReadRound())) {
            deliverRead(read.requester(), read.index(), read.context());
        }
    }

    private void deliverRead(long requester, long index, long context) {
        if (requester == id) {
            confirmedReads.add(new ReadState(index, context));
        } else {
            send(new ReadIndexResponse(id, requester, term, context, index));
        }
    }

    private boolean hasServableRead() {
        if (confirmedReads.isEmpty()) {
            return false; // hasReady asks on every pass: no iterator then
        }
        for (ReadState read : confirmedReads) {
            if (read.index() <= log.committed()) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- membership

    private void applyConfChange(ConfChange change) {
        ConfState before = tracker.conf();
        if (!isValid(change, before)) {
            return; // proposed against a membership that changed since; every node skips it alike
        }
        tracker.setConf(change.applyTo(before), log.lastIndex());
        if (role != Role.LEADER) {
            return;
        }
        if (!tracker.isVoter(id)) {
            becomeFollower(term, NONE); // removed itself: the others elect a leader among themselves
            return;
        }
        if (leadTransferee != NONE && !tracker.isVoter(leadTransferee)) {
            leadTransferee = NONE;
        }
        if (change.type() == ConfChange.Type.ADD_LEARNER) {
            appendWanted.put(change.nodeId(), true);
        }
        maybeCommit(); // the quorum changed
        releaseConfirmedReads();
    }

    private void send(Message m) {
        if (mustWaitForPersist(m)) {
            outboxAfterPersist.add(m);
        } else {
            outbox.add(m);
        }
    }

    /**
     * Whether a message promises something about this node's disk: an append answer (accepted: "I hold these
     * entries"; rejected: "I hold this term"), a vote ("I voted, and will not vote again this term") and a real vote
     * request (its sender counts its own vote at once). Those leave only after the Ready is persisted. Appends,
     * heartbeats, snapshot chunks and read confirmations may leave while the Ready is written: they promise nothing
     * about the sender's disk (Raft thesis 10.2.1).
     */
    private static boolean mustWaitForPersist(Message m) {
        return switch (m) {
            case AppendResponse r -> true;
            case VoteResponse r -> true;
            case SnapshotResponse r -> true;
            case RequestVote r -> !r.preVote();
            default -> false;
        };
    }

    private void checkNoReadyOutstanding() {
        if (readyOutstanding) {
            throw new IllegalStateException("a Ready is outstanding: call advance() before further input");
        }
    }
}
