package com.distpatterns.consensus.raft.sim;

import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvResult;
import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.consensus.linearizability.KvInput;
import com.distpatterns.consensus.linearizability.KvOutput;
import com.distpatterns.consensus.linearizability.Operation;
import com.distpatterns.consensus.raft.ProposalResult;
import com.distpatterns.consensus.raft.RaftNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Clients that put, get, delete and compare-and-set a few keys through whichever server they believe leads,
 * one operation at a time each, and record the history for the linearizability checker. An operation that
 * times out after being accepted is recorded with an unknown outcome: it may or may not have happened.
 */
public final class KvWorkload {

    /** One operation from its call until it returns, times out or is known not to have happened. */
    private static final class InFlight {
        final KvInput input;
        final long call;
        final long deadline;
        boolean accepted;
        boolean done;

        InFlight(KvInput input, long call, long deadline) {
            this.input = input;
            this.call = call;
            this.deadline = deadline;
        }
    }

    private final class Client {
        final int id;
        long leaderGuess = RaftNode.NONE;
        int written;
        String lastSeen;

        Client(int id) {
            this.id = id;
        }
    }

    private final Simulation sim;
    private final SplittableRandom random;
    private final int keys;
    private final long timeoutMs;
    private final int thinkMs;
    private final List<Client> clients = new ArrayList<>();
    private final List<Operation<KvInput, KvOutput>> history = new ArrayList<>();
    private long stamp;
    private boolean running;
    private int inFlight;
    private long completed;

    public KvWorkload(Simulation sim, int clients, int keys, long timeoutMs, int thinkMs) {
        this.sim = sim;
        this.random = sim.random().split();
        this.keys = keys;
        this.timeoutMs = timeoutMs;
        this.thinkMs = thinkMs;
        for (int i = 0; i < clients; i++) {
            this.clients.add(new Client(i));
        }
    }

    public void start() {
        running = true;
        for (Client client : clients) {
            sim.schedule(random.nextInt(thinkMs + 1), "client " + client.id + " starts", () -> issue(client));
        }
    }

    /** Clients finish what they started and begin nothing new. */
    public void stop() {
        running = false;
    }

    public int inFlight() {
        return inFlight;
    }

    public long completed() {
        return completed;
    }

    public List<Operation<KvInput, KvOutput>> history() {
        return List.copyOf(history);
    }

    private void issue(Client client) {
        if (!running) {
            return;
        }
        InFlight op = new InFlight(randomInput(client), ++stamp, sim.now() + timeoutMs);
        inFlight++;
        sim.schedule(timeoutMs, "client " + client.id + " timeout", () -> timeout(client, op));
        attempt(client, op);
    }

    private KvInput randomInput(Client client) {
        String key = "k" + random.nextInt(keys);
        int dice = random.nextInt(100);
        if (dice < 35) {
            return new KvInput.Get(key);
        }
        String value = "c" + client.id + "-" + (++client.written);
        if (dice < 70) {
            return new KvInput.Put(key, value);
        }
        if (dice < 80) {
            return new KvInput.Delete(key);
        }
        return new KvInput.Cas(key, random.nextBoolean() ? client.lastSeen : null, value);
    }

    private void attempt(Client client, InFlight op) {
        if (op.done || sim.now() >= op.deadline) {
            return;
        }
        long target = target(client, op.input instanceof KvInput.Get);
        if (target == RaftNode.NONE) {
            retryLater(client, op);
            return;
        }
        if (op.input instanceof KvInput.Get get) {
            boolean asked = sim.read(target, get.key(), value -> finish(client, op, read(client, value)));
            if (!asked) {
                client.leaderGuess = RaftNode.NONE;
                retryLater(client, op);
            }
            return;
        }
        ProposalResult result = sim.propose(target, command(op.input),
                applied -> finish(client, op, output(client, applied)),
                () -> retryLater(client, op));
        switch (result) {
            case ProposalResult.Accepted accepted -> op.accepted = true;
            case ProposalResult.Rejected rejected -> {
                client.leaderGuess = rejected.leaderHint();
                retryLater(client, op);
            }
        }
    }

    private long target(Client client, boolean isRead) {
        List<Long> up = sim.serverIds().stream().filter(sim::isUp).toList();
        if (up.isEmpty()) {
            return RaftNode.NONE;
        }
        if (isRead && random.nextInt(3) == 0) {
            return up.get(random.nextInt(up.size())); // reads from followers take the ReadIndex round trip
        }
        if (client.leaderGuess == RaftNode.NONE || !sim.isUp(client.leaderGuess)) {
            client.leaderGuess = up.get(random.nextInt(up.size()));
        }
        return client.leaderGuess;
    }

    private void retryLater(Client client, InFlight op) {
        sim.schedule(5 + random.nextInt(20), "client " + client.id + " retries", () -> attempt(client, op));
    }

    private void timeout(Client client, InFlight op) {
        if (op.done) {
            return;
        }
        op.done = true;
        inFlight--;
        if (op.accepted) {
            history.add(Operation.unknown(client.id, op.input, op.call));
        }
        nextOperation(client);
    }

    private void finish(Client client, InFlight op, KvOutput output) {
        if (op.done) {
            return; // answered after the client gave up: it stays unknown in the history
        }
        op.done = true;
        inFlight--;
        completed++;
        history.add(new Operation<>(client.id, op.input, output, op.call, ++stamp));
        nextOperation(client);
    }

    private void nextOperation(Client client) {
        sim.schedule(random.nextInt(thinkMs + 1), "client " + client.id + " thinks", () -> issue(client));
    }

    private static KvCommand command(KvInput input) {
        return switch (input) {
            case KvInput.Put put -> new KvCommand.Put(put.key(), bytes(put.value()));
            case KvInput.Delete delete -> new KvCommand.Delete(delete.key());
            case KvInput.Cas cas -> new KvCommand.CompareAndSet(cas.key(),
                    cas.expected() == null ? null : bytes(cas.expected()), bytes(cas.value()));
            case KvInput.Get get -> throw new IllegalArgumentException("reads are not proposed");
        };
    }

    private static KvOutput read(Client client, Optional<Versioned> value) {
        client.lastSeen = value.map(v -> string(v.value())).orElse(null);
        return new KvOutput.Read(client.lastSeen, value.map(Versioned::revision).orElse(0L));
    }

    private static KvOutput output(Client client, KvResult result) {
        return switch (result) {
            case KvResult.Written w -> new KvOutput.Written(w.revision());
            case KvResult.Deleted d -> new KvOutput.Deleted(d.deleted(), d.revision());
            case KvResult.Swapped s -> {
                client.lastSeen = s.current() == null ? null : string(s.current());
                yield new KvOutput.Swapped(s.succeeded(), client.lastSeen, s.revision());
            }
        };
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
