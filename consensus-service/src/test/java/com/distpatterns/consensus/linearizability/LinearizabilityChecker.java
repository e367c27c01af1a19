package com.distpatterns.consensus.linearizability;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a concurrent history is linearizable: Wing and Gong's search over orders that respect real
 * time, with Lowe's memoization of (operations linearized, state) pairs already explored, over each
 * independent partition of the history, in the manner of porcupine. An operation whose answer was lost is
 * linearized only where it takes effect, and may be left out: models give no "nothing happened" state for it, so
 * the search does not try every subset of the lost answers as no-ops when it backtracks past them.
 */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {}

    public static <S, I, O> CheckResult check(Model<S, I, O> model, List<Operation<I, O>> history, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        for (List<Operation<I, O>> part : model.partition(history)) {
            CheckResult result = checkPartition(model, part, deadline);
            if (!result.isLinearizable()) {
                return result;
            }
        }
        return new CheckResult(CheckResult.Verdict.LINEARIZABLE, history.size() + " operations linearizable");
    }

    /** A call or return event in the doubly linked list that the search lifts operations out of. */
    private static final class Node {
        final int op;
        final boolean isCall;
        Node match;
        Node prev;
        Node next;

        Node(int op, boolean isCall) {
            this.op = op;
            this.isCall = isCall;
        }
    }

    private record Frame<S>(Node call, Set<S> state) {}

    private record Explored<S>(BitSet linearized, Set<S> state) {}

    private static <S, I, O> CheckResult checkPartition(Model<S, I, O> model, List<Operation<I, O>> ops,
            long deadline) {
        Node head = buildEventList(ops);
        Set<S> state = new LinkedHashSet<>(List.of(model.initialState()));
        BitSet linearized = new BitSet(ops.size());
        Set<Explored<S>> explored = new HashSet<>();
        Deque<Frame<S>> calls = new ArrayDeque<>();
        int longest = 0;
        BitSet longestSet = new BitSet();
        Node entry = head.next;
        long iterations = 0;
        while (head.next != null) {
            if ((++iterations & 0xFFF) == 0 && System.nanoTime() > deadline) {
                return new CheckResult(CheckResult.Verdict.TIMED_OUT,
                        "gave up after " + iterations + " steps on " + ops.size() + " operations, "
                                + ops.stream().filter(op -> op.output() == null).count()
                                + " of them with lost answers");
            }
            if (entry.isCall) {
                Operation<I, O> op = ops.get(entry.op);
                Set<S> next = new LinkedHashSet<>();
                for (S s : state) {
                    next.addAll(model.step(s, op.input(), op.output()));
                }
                if (!next.isEmpty()) {
                    BitSet withOp = (BitSet) linearized.clone();
                    withOp.set(entry.op);
                    if (explored.add(new Explored<>(withOp, next))) {
                        calls.push(new Frame<>(entry, state));
                        state = next;
                        linearized = withOp;
                        if (linearized.cardinality() > longest) {
                            longest = linearized.cardinality();
                            longestSet = (BitSet) linearized.clone();
                        }
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                if (ops.get(entry.op).output() == null) {
                    // Returns sort by time, so only operations whose answers were lost are left, and each may
                    // never have taken effect: leaving them out is a linearization.
                    break;
                }
                if (calls.isEmpty()) {
                    return new CheckResult(CheckResult.Verdict.NOT_LINEARIZABLE, explain(ops, longestSet));
                }
                Frame<S> frame = calls.pop();
                entry = frame.call();
                state = frame.state();
                linearized = (BitSet) linearized.clone();
                linearized.clear(entry.op);
                unlift(entry);
                entry = entry.next;
            }
        }
        return new CheckResult(CheckResult.Verdict.LINEARIZABLE, ops.size() + " operations linearizable");
    }

    private static <I, O> Node buildEventList(List<Operation<I, O>> ops) {
        record Event(long time, int kind, int op) {}
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            events.add(new Event(ops.get(i).call(), 0, i));
            events.add(new Event(ops.get(i).ret(), 1, i));
        }
        // At equal instants calls come first: operations that touch at an instant count as concurrent.
        events.sort(Comparator.comparingLong(Event::time).thenComparingInt(Event::kind).thenComparingInt(Event::op));
        Node head = new Node(-1, false);
        Node tail = head;
        Node[] callNodes = new Node[ops.size()];
        for (Event event : events) {
            Node node = new Node(event.op(), event.kind() == 0);
            if (node.isCall) {
                callNodes[event.op()] = node;
            } else {
                node.match = callNodes[event.op()];
                callNodes[event.op()].match = node;
            }
            tail.next = node;
            node.prev = tail;
            tail = node;
        }
        return head;
    }

    private static void lift(Node call) {
        call.prev.next = call.next;
        call.next.prev = call.prev;
        Node ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Node call) {
        Node ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        call.next.prev = call;
    }

    private static <I, O> String explain(List<Operation<I, O>> ops, BitSet longest) {
        StringBuilder text = new StringBuilder("no linearization of these " + ops.size()
                + " operations; the longest linearizable prefix holds " + longest.cardinality()
                + " (marked *):\n");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> ops.get(i).call()));
        for (int i : order) {
            text.append(longest.get(i) ? "  * " : "    ").append(ops.get(i)).append('\n');
        }
        return text.toString();
    }
}
