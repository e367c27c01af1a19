package com.distpatterns.event.core;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Deliveries counted on this instance and not yet added to the shared store: they are flushed in batches. */
public final class DeliveryCounters {

    private final ConcurrentHashMap<SubscriptionName, LongAdder> unflushed = new ConcurrentHashMap<>();

    public void delivered(SubscriptionName name) {
        unflushed.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    public long unflushed(SubscriptionName name) {
        LongAdder adder = unflushed.get(name);
        return adder == null ? 0 : adder.sum();
    }

    /** Takes the counts out; give them back with {@link #restore} if they could not be stored. */
    public Map<SubscriptionName, Long> drain() {
        Map<SubscriptionName, Long> counts = new HashMap<>();
        unflushed.forEach((name, adder) -> {
            long count = adder.sumThenReset();
            if (count > 0) {
                counts.put(name, count);
            }
        });
        return counts;
    }

    public void restore(Map<SubscriptionName, Long> counts) {
        counts.forEach((name, count) -> unflushed.computeIfAbsent(name, n -> new LongAdder()).add(count));
    }

    public void forget(SubscriptionName name) {
        unflushed.remove(name);
    }
}
