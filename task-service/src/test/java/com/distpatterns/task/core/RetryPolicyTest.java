package com.distpatterns.task.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), 0.2);

    @Test
    void levelsDoubleFromOneSecondUpToTheCap() {
        assertThat(policy.levels()).extracting(Duration::toMillis)
                .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L);
    }

    @Test
    void eachRetryWaitsAroundItsLevelWithinTheJitterAndLaterRetriesStayAtTheCap() {
        Random random = new Random(42);
        for (int i = 0; i < 1_000; i++) {
            assertThat(policy.delayBefore(1, random).delay().toMillis()).isBetween(800L, 1_200L);
            assertThat(policy.delayBefore(2, random).delay().toMillis()).isBetween(1_600L, 2_400L);
            assertThat(policy.delayBefore(3, random).delay().toMillis()).isBetween(3_200L, 4_800L);
            RetryPolicy.RetryDelay late = policy.delayBefore(12, random);
            assertThat(late.queue()).isEqualTo(Duration.ofSeconds(60));
            assertThat(late.delay().toMillis()).isBetween(48_000L, 72_000L);
        }
    }

    @Test
    void noDelayOutlastsItsLevelsQueueTtl() {
        Random random = new Random(7);
        for (int retry = 1; retry <= 10; retry++) {
            for (int i = 0; i < 200; i++) {
                RetryPolicy.RetryDelay delay = policy.delayBefore(retry, random);
                assertThat(delay.delay()).isLessThanOrEqualTo(policy.ceiling(delay.queue()));
                assertThat(policy.queueLevels()).contains(delay.queue());
            }
        }
    }

    @Test
    void queueLevelsHalveBelowTheFirstLevelDownToAbout100Ms() {
        assertThat(policy.queueLevels()).extracting(Duration::toMillis)
                .containsExactly(125L, 250L, 500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L);
    }

    /**
     * A message is expired only at the head of its queue, so its wait can run to its queue's ceiling: that ceiling
     * stays within twice the delay (150 ms for the shortest), whatever the delay a registered type asks for.
     */
    @Test
    void theQueueHoldingAnyDelayHasACeilingOfAtMostTwiceIt() {
        for (long millis = 1; millis <= 72_000; millis += millis < 2_000 ? 1 : 97) {
            RetryPolicy.RetryDelay held = policy.holding(Duration.ofMillis(millis));
            assertThat(held.delay()).as("%d ms", millis).isEqualTo(Duration.ofMillis(millis));
            Duration ceiling = policy.ceiling(held.queue());
            assertThat(ceiling).as("%d ms", millis).isGreaterThanOrEqualTo(Duration.ofMillis(millis))
                    .isLessThanOrEqualTo(Duration.ofMillis(Math.max(150, 2 * millis)));
        }
        assertThat(policy.holding(Duration.ofMinutes(5)).delay()).as("cut to the longest queue's ceiling")
                .isEqualTo(Duration.ofSeconds(72));
    }

    @Test
    void jitterSpreadsDelays() {
        Random random = new Random(1);
        long first = policy.delayBefore(1, random).delay().toMillis();
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            differs = policy.delayBefore(1, random).delay().toMillis() != first;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, 2, Duration.ofSeconds(1), 0.1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0.1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(9), 0.1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(9), 0.9))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
