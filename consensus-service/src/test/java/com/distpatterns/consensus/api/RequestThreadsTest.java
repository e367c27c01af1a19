package com.distpatterns.consensus.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestThreadsTest {

    @Test
    void aThreadIsKnownUntilItsWorkEnds() throws InterruptedException {
        RequestThreads threads = new RequestThreads("test");
        CountDownLatch release = new CountDownLatch(1);
        Thread thread = threads.start(() -> awaitQuietly(release));
        assertThat(threads.size()).isEqualTo(1);
        release.countDown();
        thread.join(Duration.ofSeconds(5));
        assertThat(thread.isAlive()).isFalse();
        assertThat(threads.size()).isZero();
    }

    @Test
    void stoppingInterruptsEveryWaitingThreadAndWaitsForWhatItDoesLast() {
        RequestThreads threads = new RequestThreads("test");
        AtomicInteger cleanedUp = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            threads.start(() -> {
                try {
                    new CountDownLatch(1).await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    sleepUninterruptibly(100); // what a campaign does when given up: withdraw its key
                    cleanedUp.incrementAndGet();
                }
            });
        }
        assertThat(threads.size()).isEqualTo(3);

        threads.interruptAndJoin(Duration.ofSeconds(5));

        assertThat(cleanedUp).hasValue(3);
        assertThat(threads.size()).isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepUninterruptibly(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            } catch (InterruptedException ignored) {
                // keep cleaning up
            }
        }
    }
}
