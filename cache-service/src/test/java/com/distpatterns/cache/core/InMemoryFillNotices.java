package com.distpatterns.cache.core;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Fill notices within one JVM, for the core's unit tests. */
final class InMemoryFillNotices implements FillNotices {

    final AtomicInteger announced = new AtomicInteger();
    private final Map<String, Set<CountDownLatch>> waiting = new ConcurrentHashMap<>();

    @Override
    public FillWait expect(String key) {
        CountDownLatch latch = new CountDownLatch(1);
        waiting.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(latch);
        return new FillWait() {
            @Override
            public boolean await(Duration timeout) throws InterruptedException {
                return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public void close() {
                waiting.getOrDefault(key, Set.of()).remove(latch);
            }
        };
    }

    @Override
    public void announce(String key) {
        announced.incrementAndGet();
        waiting.getOrDefault(key, Set.of()).forEach(CountDownLatch::countDown);
    }
}
