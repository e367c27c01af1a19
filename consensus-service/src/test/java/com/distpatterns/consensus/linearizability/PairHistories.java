package com.distpatterns.consensus.linearizability;

import com.distpatterns.consensus.linearizability.PairModel.Input;
import com.distpatterns.consensus.linearizability.PairModel.Key;
import com.distpatterns.consensus.linearizability.PairModel.Output;
import com.distpatterns.consensus.linearizability.PairModel.Seen;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Histories of {@code MvccProcessTest}'s transaction workload on a simulated store that is linearizable by construction: six
 * clients on three nodes, each op taking effect at one instant between its call and its return, and a node
 * killed for a while. Its clients' calls fail fast then (answers lost, never applied, retried every 100 ms), and
 * calls elsewhere stall through the election; those past the request timeout lose their answers, taking effect
 * later or never.
 */
final class PairHistories {

    private static final long MS = 1_000_000;

    private PairHistories() {}

    /**
     * A history of {@code seconds} seconds in which node 0 is down from second 4 to second 10, and the others
     * elect a leader {@code electionMillis} after it went down.
     */
    static List<Operation<Input, Output>> withAKilledNode(long seed, int seconds, int electionMillis) {
        return new Simulation(new Random(seed), seconds * 1000 * MS, electionMillis * MS, false).run();
    }

    /**
     * The same, but one read at second 12 is answered from the store as it was at second 11, before writes that
     * were answered meanwhile: not linearizable.
     */
    static List<Operation<Input, Output>> withAStaleRead(long seed, int seconds, int electionMillis) {
        return new Simulation(new Random(seed), seconds * 1000 * MS, electionMillis * MS, true).run();
    }

    private static final class Simulation {
        private final Random random;
        private final long end;
        private final long downFrom = 4000 * MS;
        private final long downTo = 10_000 * MS;
        private final long electedAt;
        private final long timeout = 4000 * MS;
        private final boolean staleRead;
        private final PriorityQueue<Event> events = new PriorityQueue<>();
        private final List<Operation<Input, Output>> history = new ArrayList<>();
        private final long[] xRevision = new long[6];
        private final long[] yRevision = new long[6];
        private final int[] calls = new int[6];
        private Key x = new Key(null, 0);
        private Key y = new Key(null, 0);
        private Seen staleView;
        private boolean servedStale;
        private long revision = 1;
        private long sequence;

        Simulation(Random random, long end, long election, boolean staleRead) {
            this.random = random;
            this.staleRead = staleRead;
            this.end = end;
            this.electedAt = downFrom + election;
        }

        /** An instant an op reaches: a call, the instant it takes effect, or its return (lost or not). */
        private record Event(long time, long sequence, Call call, Kind kind) implements Comparable<Event> {
            @Override
            public int compareTo(Event other) {
                return time != other.time ? Long.compare(time, other.time) : Long.compare(sequence, other.sequence);
            }
        }

        private enum Kind {
            CALL, APPLY, RETURN
        }

        private static final class Call {
            final int client;
            final long at;
            Input input;
            Output output;
            boolean lost;

            Call(int client, long at) {
                this.client = client;
                this.at = at;
            }
        }

        private void schedule(long time, Call call, Kind kind) {
            events.add(new Event(time, sequence++, call, kind));
        }

        private long millis(int from, int to) {
            return (from + random.nextInt(to - from + 1)) * MS + random.nextInt((int) MS);
        }

        List<Operation<Input, Output>> run() {
            for (int client = 0; client < 6; client++) {
                callAt(millis(0, 5), client);
            }
            while (!events.isEmpty()) {
                Event event = events.poll();
                switch (event.kind()) {
                    case CALL -> call(event.call());
                    case APPLY -> apply(event.call());
                    case RETURN -> answer(event.time(), event.call());
                }
            }
            return history;
        }

        private void callAt(long time, int client) {
            if (time <= end) {
                schedule(time, new Call(client, time), Kind.CALL);
            }
        }

        private void call(Call call) {
            int client = call.client;
            long now = call.at;
            String value = "c" + client + "-" + calls[client]++;
            call.input = switch (random.nextInt(3)) {
                case 0 -> new PairModel.Txn(xRevision[client], value);
                case 1 -> new PairModel.ConditionalPutY(yRevision[client], value);
                default -> new PairModel.Read();
            };
            boolean onDeadNode = client % 3 == 0 && now >= downFrom && now < downTo;
            if (onDeadNode) {
                // Refused at once by a dead node: nothing applied, the answer is an error.
                call.lost = true;
                schedule(now + millis(0, 1), call, Kind.RETURN);
                return;
            }
            long applyAt = now + millis(1, 8);
            if (applyAt >= downFrom && applyAt < electedAt) {
                applyAt = electedAt + millis(0, 300); // no leader until the election ends
            }
            long returnAt = applyAt + millis(1, 8);
            if (returnAt - now > timeout) {
                call.lost = true;
                returnAt = now + timeout;
                // Dropped with the old leader's log, or taken up by the new leader and applied later, among
                // the writes of clients that called after it.
                applyAt = random.nextBoolean() ? -1 : electedAt + millis(0, 2000);
            }
            if (applyAt >= 0) {
                schedule(applyAt, call, Kind.APPLY);
            }
            schedule(returnAt, call, Kind.RETURN);
        }

        private void apply(Call call) {
            call.output = switch (call.input) {
                case PairModel.Read r -> read(call.at);
                case PairModel.Txn t -> {
                    if (x.revision() != t.expected()) {
                        yield new PairModel.Refused(x);
                    }
                    x = new Key(t.value(), ++revision);
                    y = x;
                    yield new PairModel.Written(revision);
                }
                case PairModel.ConditionalPutY c -> {
                    if (y.revision() != c.expected()) {
                        yield new PairModel.Refused(y);
                    }
                    y = new Key(c.value(), ++revision);
                    yield new PairModel.Written(revision);
                }
            };
        }

        private Seen read(long calledAt) {
            if (staleRead && staleView == null && calledAt >= 11_000 * MS) {
                staleView = new Seen(x, y);
            }
            if (staleRead && !servedStale && calledAt >= 12_000 * MS) {
                servedStale = true;
                return staleView;
            }
            return new Seen(x, y);
        }

        private void answer(long now, Call call) {
            int client = call.client;
            if (call.lost) {
                if (!(call.input instanceof PairModel.Read)) {
                    history.add(Operation.unknown(client, call.input, call.at));
                }
                callAt(now + 100 * MS, client);
                return;
            }
            history.add(new Operation<>(client, call.input, call.output, call.at, now));
            switch (call.output) {
                case PairModel.Written w when call.input instanceof PairModel.Txn -> xRevision[client] = w.revision();
                case PairModel.Written w -> yRevision[client] = w.revision();
                case PairModel.Refused r when call.input instanceof PairModel.Txn ->
                    xRevision[client] = r.current().revision();
                case PairModel.Refused r -> yRevision[client] = r.current().revision();
                case PairModel.Seen s -> {
                    xRevision[client] = s.x().revision();
                    yRevision[client] = s.y().revision();
                }
            }
            callAt(now, client);
        }
    }
}
