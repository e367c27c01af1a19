package com.distpatterns.lock.infra;

import com.distpatterns.lock.core.GrantPath;
import com.distpatterns.lock.core.LockEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Lock metrics: grants by how they came about, refusals, releases, timed-out and current waiters. */
public final class MicrometerLockEvents implements LockEvents {

    private final Map<GrantPath, Counter> grants = new EnumMap<>(GrantPath.class);
    private final Counter refusals;
    private final Counter releases;
    private final Counter timeouts;
    private final AtomicInteger waiting = new AtomicInteger();

    public MicrometerLockEvents(MeterRegistry registry) {
        for (GrantPath path : GrantPath.values()) {
            grants.put(path, Counter.builder("lock.grants")
                    .description(
                            "Leases granted, by what woke the request: immediate, notification (a release), poll (safety net)")
                    .tag("path", path.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        refusals = Counter.builder("lock.refusals").description("Acquires answered 409: still held after waitMs")
                .register(registry);
        releases = Counter.builder("lock.releases").description("Leases released by their holder").register(registry);
        timeouts = Counter.builder("lock.waiter.timeouts").description("Waiters that gave up after waitMs")
                .register(registry);
        Gauge.builder("lock.waiters", waiting, AtomicInteger::get)
                .description("Requests waiting for a lock on this instance")
                .register(registry);
    }

    @Override
    public void granted(GrantPath path) {
        grants.get(path).increment();
    }

    @Override
    public void refused() {
        refusals.increment();
    }

    @Override
    public void released() {
        releases.increment();
    }

    @Override
    public void waiterTimedOut() {
        timeouts.increment();
    }

    @Override
    public void waitingChanged(int delta) {
        waiting.addAndGet(delta);
    }
}
