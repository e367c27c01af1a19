package com.distpatterns.cache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StampedeGuardTest {

    /** Values are strings; a decoded one is marked, so a test can tell a cached answer from a computed one. */
    private static final ValueCodec<String> CODEC = new ValueCodec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] json) {
            return "cached:" + new String(json, StandardCharsets.UTF_8);
        }
    };

    private final InMemoryMemoStore store = new InMemoryMemoStore();
    private final InMemoryFillNotices notices = new InMemoryFillNotices();
    private final AtomicInteger computations = new AtomicInteger();

    private StampedeGuard guard(Duration maxWait, double beta, double random) {
        StampedeGuardSettings settings = new StampedeGuardSettings(
                Duration.ofSeconds(60), Duration.ofSeconds(10), maxWait, Duration.ofSeconds(5), beta);
        return new StampedeGuard("square", store, notices, settings, System::nanoTime, () -> random);
    }

    private String slowSquare(CountDownLatch release) throws InterruptedException {
        computations.incrementAndGet();
        release.await();
        return "49";
    }

    @Test
    void concurrentFirstCallersComputeOnceAndTheOthersAreWokenWithTheResult() throws Exception {
        StampedeGuard guard = guard(Duration.ofSeconds(30), 1.0, 0.5);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                answers.add(callers.submit(() -> guard.get("7", CODEC, () -> slowSquare(release))));
            }
            while (store.lookups.get() < 20) {
                Thread.onSpinWait();
            }
            release.countDown();
            List<String> values = new ArrayList<>();
            for (Future<String> answer : answers) {
                values.add(answer.get());
            }
            assertThat(computations).hasValue(1);
            assertThat(values).containsOnly("49", "cached:49");
            assertThat(values).filteredOn("49"::equals).hasSize(1);
            assertThat(store.locks).isEmpty();
        }
    }

    @Test
    void aFreshMemoIsServedWithoutComputing() throws Exception {
        store.plant("7", "49".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2), Duration.ofSeconds(59));

        assertThat(guard(Duration.ofSeconds(1), 1.0, 0.5).get("7", CODEC, () -> "fresh")).isEqualTo("cached:49");
    }

    @Test
    void aMemoNearExpiryIsRefreshedEarlyByTheCallerThatWinsTheLock() throws Exception {
        // XFetch: 2 s compute * beta 1 * -ln(0.1) = 4.6 s ahead of expiry; 1 s remain, so this caller refreshes.
        store.plant("7", "49".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2), Duration.ofSeconds(1));

        assertThat(guard(Duration.ofSeconds(1), 1.0, 0.1).get("7", CODEC, () -> "fresh")).isEqualTo("fresh");
        assertThat(store.peek("7")).get().extracting(memo -> memo.remaining().toSeconds()).isEqualTo(59L);
        assertThat(store.locks).isEmpty();
    }

    @Test
    void whileOneCallerRefreshesEarlyTheOthersAreServedTheCurrentValue() throws Exception {
        store.plant("7", "49".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2), Duration.ofSeconds(1));
        store.locks.put("7", "another caller refreshing");

        assertThat(guard(Duration.ofSeconds(1), 1.0, 0.1).get("7", CODEC, () -> "fresh")).isEqualTo("cached:49");
    }

    @Test
    void earlyRefreshGrowsLikelierAsExpiryNears() {
        StampedeGuard guard = guard(Duration.ofSeconds(1), 1.0, 0.5); // -ln(0.5) * 2 s = 1.39 s ahead
        Duration compute = Duration.ofSeconds(2);
        byte[] value = {'1'};

        assertThat(guard.dueForEarlyRefresh(new Memo(value, compute, Duration.ofSeconds(30)))).isFalse();
        assertThat(guard.dueForEarlyRefresh(new Memo(value, compute, Duration.ofMillis(1_500)))).isFalse();
        assertThat(guard.dueForEarlyRefresh(new Memo(value, compute, Duration.ofMillis(1_300)))).isTrue();
        assertThat(guard(Duration.ofSeconds(1), 0.0, 0.001)
                .dueForEarlyRefresh(new Memo(value, compute, Duration.ofMillis(1))))
                .as("beta 0 turns early refresh off").isFalse();
    }

    @Test
    void aWaiterWhoseLockHolderNeverFinishesComputesItselfAfterTheBoundedWait() throws Exception {
        store.locks.put("7", "a caller that died holding the lock");

        String value = guard(Duration.ofMillis(200), 1.0, 0.5).get("7", CODEC, () -> {
            computations.incrementAndGet();
            return "49";
        });

        assertThat(value).isEqualTo("49");
        assertThat(computations).hasValue(1);
        assertThat(store.peek("7")).isPresent();
    }

    @Test
    void aFailedComputationReleasesTheLockAndWakesTheWaiters() throws Exception {
        StampedeGuard guard = guard(Duration.ofSeconds(5), 1.0, 0.5);

        assertThatThrownBy(() -> guard.get("7", CODEC, () -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");

        assertThat(store.locks).isEmpty();
        assertThat(notices.announced).hasValue(1);
        assertThat(guard.get("7", CODEC, () -> "49")).isEqualTo("49");
    }

    @Test
    void aMemoThatCannotBeDecodedIsRecomputed() throws Exception {
        ValueCodec<String> strict = new ValueCodec<>() {
            @Override
            public byte[] encode(String value) {
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] json) {
                throw new IllegalArgumentException("not a square");
            }
        };
        store.plant("7", "garbage".getBytes(StandardCharsets.UTF_8), Duration.ZERO, Duration.ofSeconds(59));

        assertThat(guard(Duration.ofSeconds(1), 1.0, 0.5).get("7", strict, () -> "49")).isEqualTo("49");
        assertThat(new String(store.peek("7").orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("49");
    }
}
