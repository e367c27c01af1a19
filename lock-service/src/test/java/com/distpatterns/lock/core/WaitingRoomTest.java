package com.distpatterns.lock.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The waiting room on its own: waiters park without a timeout of their own and its alarm wakes them on time. */
class WaitingRoomTest {

    private final WaitingRoom room = new WaitingRoom();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() {
        threads.shutdownNow();
        room.close();
    }

    @Test
    void aWaiterNobodyHandsTheLockToIsWokenByTheAlarmWhenItsTimeIsUp() throws Exception {
        Future<Duration> waited = threads.submit(() -> {
            WaiterId id = WaiterId.random();
            room.enter(id);
            long start = System.nanoTime();
            assertThat(room.await(id, Duration.ofMillis(200))).isNull();
            return Duration.ofNanos(System.nanoTime() - start);
        });
        assertThat(waited.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aHandOffWakesItsWaiterLongBeforeTheAlarm() throws Exception {
        WaiterId id = WaiterId.random();
        CompletableFuture<Void> seated = new CompletableFuture<>();
        Future<HandOff> received = threads.submit(() -> {
            room.enter(id);
            seated.complete(null);
            return room.await(id, Duration.ofHours(1));
        });
        seated.get(10, TimeUnit.SECONDS);
        HandOff handOff = new HandOff(id, new FencingToken(7), Instant.now().plusSeconds(10));
        assertThat(room.deliver(handOff)).isTrue();
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(handOff);
    }

    @Test
    void aHandOffThatArrivesBeforeTheWaitIsKept() throws Exception {
        WaiterId id = WaiterId.random();
        room.enter(id);
        HandOff handOff = new HandOff(id, new FencingToken(3), Instant.now().plusSeconds(10));
        assertThat(room.deliver(handOff)).isTrue();
        assertThat(room.await(id, Duration.ofHours(1))).isEqualTo(handOff);
    }

    @Test
    void aHandOffForAWaiterThatLeftIsNotDelivered() {
        WaiterId id = WaiterId.random();
        room.enter(id);
        room.leave(id);
        assertThat(room.deliver(new HandOff(id, new FencingToken(1), Instant.now()))).isFalse();
    }

    @Test
    void anInterruptedWaiterStopsWaiting() throws Exception {
        CompletableFuture<Thread> waiter = new CompletableFuture<>();
        Future<Throwable> outcome = threads.submit(() -> {
            WaiterId id = WaiterId.random();
            room.enter(id);
            waiter.complete(Thread.currentThread());
            try {
                room.await(id, Duration.ofHours(1));
                return null;
            } catch (InterruptedException e) {
                return e;
            }
        });
        waiter.get(10, TimeUnit.SECONDS).interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void onceClosedAWaitEndsAsAnInterruption() {
        WaiterId id = WaiterId.random();
        room.enter(id);
        room.close();
        assertThatThrownBy(() -> room.await(id, Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);
    }
}
