package com.distpatterns.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.distpatterns.client.ClientSettings;
import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.DistributedLock;
import com.distpatterns.client.LeaseLostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link DistributedLock} against the suite: in this JVM, and against other JVMs that contend, die or freeze. */
@ExtendWith(SharedSuite.class)
@Order(1)
class ClientLockIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static DistpatternsClient client;

    @BeforeAll
    static void connect() {
        client = DistpatternsClient.create(ClientSettings.of(SharedSuite.gateway("lock"), SharedSuite.KEY));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    private static String name(String what) {
        return "client-" + what + "-" + RUN;
    }

    private static Jvm contender(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args[0], SharedSuite.gateway("lock"), SharedSuite.KEY));
        all.addAll(List.of(args).subList(1, args.length));
        return Jvm.start(LockContender.class, all.toArray(String[]::new));
    }

    /** Each JVM holds the lock longer than its 300 ms lease, six times: the watchdog must keep it, and only it. */
    @Test
    void twoJvmsNeverHoldTheLockTogetherAndTokensOnlyGrow() throws Exception {
        String lock = name("contend");
        Path markers = Files.createTempDirectory("lock-markers");
        Map<Long, long[]> grants = new TreeMap<>(); // token -> {granted, ended} in ms
        List<String> lines = new ArrayList<>();
        try (Jvm first = contender("contend", lock, "300", "6", "700", markers.toString());
                Jvm second = contender("contend", lock, "300", "6", "700", markers.toString())) {
            lines.addAll(first.linesUntil("DONE", Duration.ofSeconds(90)));
            lines.addAll(second.linesUntil("DONE", Duration.ofSeconds(90)));
        }
        assertThat(lines).as("no second holder, no lease lost")
                .noneMatch(l -> l.startsWith("OVERLAP") || l.startsWith("LISTENER"));
        for (String line : lines) {
            String[] parts = line.split(" ");
            if (parts[0].equals("GRANT")) {
                grants.computeIfAbsent(Long.parseLong(parts[1]), t -> new long[2])[0] = Long.parseLong(parts[2]);
            } else if (parts[0].equals("END")) {
                grants.computeIfAbsent(Long.parseLong(parts[1]), t -> new long[2])[1] = Long.parseLong(parts[2]);
                assertThat(parts[3]).as("held through the critical section: %s", line).isEqualTo("true");
            }
        }
        assertThat(grants).hasSize(12);
        List<long[]> byGrantTime = new ArrayList<>(grants.values());
        byGrantTime.sort(Comparator.comparingLong(g -> g[0]));
        assertThat(byGrantTime).as("tokens strictly increase in grant order")
                .containsExactlyElementsOf(grants.values());
        for (int i = 1; i < byGrantTime.size(); i++) {
            assertThat(byGrantTime.get(i)[0]).as("grant %d begins after the holder before it ended", i)
                    .isGreaterThanOrEqualTo(byGrantTime.get(i - 1)[1]);
        }
    }

    @Test
    void theWatchdogKeepsA200msLeaseThroughATwoSecondCriticalSection() throws Exception {
        String name = name("watchdog");
        DistributedLock lock = client.lock(name, Duration.ofMillis(200));
        lock.lock();
        long token = lock.fencingToken();
        Thread.sleep(2000);
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        try (DistpatternsClient other = DistpatternsClient
                .create(ClientSettings.of(SharedSuite.gateway("lock"), SharedSuite.KEY))) {
            DistributedLock theirs = other.lock(name, Duration.ofMillis(200));
            assertThat(theirs.tryLock()).as("still held after ten lease times").isFalse();
            lock.unlock();
            assertThat(theirs.tryLock()).isTrue();
            assertThat(theirs.fencingToken()).isGreaterThan(token);
            theirs.unlock();
        }
    }

    @Test
    void killMinusNineOfTheHolderFreesTheLockAfterItsLease() throws Exception {
        String name = name("killed");
        long token;
        try (Jvm holder = contender("hold", name, "1000")) {
            token = Long.parseLong(holder.await("HELD", Duration.ofSeconds(30)).split(" ")[1]);
            holder.process.destroyForcibly().waitFor();
        }
        long start = System.nanoTime();
        DistributedLock lock = client.lock(name, Duration.ofSeconds(5));
        assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("free within the dead holder's lease")
                .isLessThan(Duration.ofMillis(1000 + 1500));
        assertThat(lock.fencingToken()).isGreaterThan(token);
        lock.unlock();
    }

    @Test
    void aHolderFrozenPastItsLeaseFindsUnlockThrowingLeaseLost() throws Exception {
        String name = name("frozen");
        try (Jvm holder = contender("hold", name, "300")) {
            long token = Long.parseLong(holder.await("HELD", Duration.ofSeconds(30)).split(" ")[1]);
            holder.signal("STOP");
            DistributedLock lock = client.lock(name, Duration.ofSeconds(5));
            assertThat(lock.tryLock(10, TimeUnit.SECONDS)).as("the frozen holder's lease ran out").isTrue();
            assertThat(lock.fencingToken()).isGreaterThan(token);
            lock.unlock();
            holder.signal("CONT");
            holder.tell("unlock");
            assertThat(holder.await("HELD_BEFORE_UNLOCK", Duration.ofSeconds(10)))
                    .isEqualTo("HELD_BEFORE_UNLOCK false");
            assertThat(holder.await("LEASE_LOST", Duration.ofSeconds(10))).isEqualTo("LEASE_LOST " + token);
            assertThat(holder.await("LISTENER", Duration.ofSeconds(10))).isEqualTo("LISTENER " + token);
        }
    }

    @Test
    void reentrantPerThreadAndExclusiveBetweenThreads() throws Exception {
        DistributedLock lock = client.lock(name("reentrant"), Duration.ofSeconds(5));
        lock.lock();
        long token = lock.fencingToken();
        assertThat(lock.tryLock()).isTrue();
        assertThat(lock.getHoldCount()).isEqualTo(2);
        assertThat(lock.fencingToken()).isEqualTo(token);
        assertThat(inAnotherThread(lock::tryLock)).isFalse();
        lock.unlock();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        assertThat(inAnotherThread(lock::tryLock)).as("one unlock of two leaves it held").isFalse();
        lock.unlock();
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class)
                .isNotInstanceOf(LeaseLostException.class);
        assertThat(inAnotherThread(() -> {
            boolean got = lock.tryLock();
            lock.unlock();
            return got;
        })).isTrue();
    }

    @Test
    void aWaiterIsHandedTheLockAndAnInterruptedWaiterLeavesNothingBehind() throws Exception {
        DistributedLock lock = client.lock(name("waiters"), Duration.ofSeconds(30));
        lock.lock();
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                long start = System.nanoTime();
                boolean got = lock.tryLock(20, TimeUnit.SECONDS);
                lock.unlock();
                return got ? System.nanoTime() - start : -1;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        lock.unlock();
        assertThat(Duration.ofNanos(waiter.get(20, TimeUnit.SECONDS))).isBetween(Duration.ofMillis(400),
                Duration.ofSeconds(3));

        // A waiter interrupted while queued on the service: the lease the service grants it later is given back.
        lock.lock();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread interrupted = new Thread(() -> {
            try {
                lock.lockInterruptibly();
                outcome.set(new AssertionError("granted while the lock was held"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        interrupted.start();
        Thread.sleep(500);
        interrupted.interrupt();
        interrupted.join(5000);
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        lock.unlock();
        assertThat(inAnotherThread(() -> {
            boolean got = lock.tryLock(5, TimeUnit.SECONDS); // not the 30 s of a lease left behind
            lock.unlock();
            return got;
        })).isTrue();
    }

    private interface Attempt {
        boolean run() throws Exception;
    }

    private static boolean inAnotherThread(Attempt attempt) throws Exception {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(attempt.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        thread.start();
        return result.get(30, TimeUnit.SECONDS);
    }
}
