package com.distpatterns.event.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void waitsGrowExponentiallyUpToTheCap() {
        RetrySchedule schedule = new RetrySchedule(6, Duration.ofSeconds(1), 4, Duration.ofMinutes(1));
        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(schedule.delayAfter(3)).isEqualTo(Duration.ofSeconds(16));
        assertThat(schedule.delayAfter(4)).isEqualTo(Duration.ofMinutes(1));
        assertThat(schedule.delayAfter(5)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void eachDistinctWaitGetsOneRetryQueue() {
        RetrySchedule schedule = new RetrySchedule(6, Duration.ofSeconds(1), 4, Duration.ofMinutes(1));
        assertThat(schedule.delays())
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(16),
                        Duration.ofMinutes(1));
    }

    @Test
    void theBudgetCountsEveryAttempt() {
        RetrySchedule schedule = new RetrySchedule(3, Duration.ofMillis(100), 2, Duration.ofSeconds(1));
        assertThat(schedule.exhaustedAfter(2)).isFalse();
        assertThat(schedule.exhaustedAfter(3)).isTrue();
        assertThat(new RetrySchedule(1, Duration.ofMillis(100), 2, Duration.ofSeconds(1)).delays()).isEmpty();
    }
}
