package com.distpatterns.task.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskExecutorTest {

    private final TaskExecutor executor = new TaskExecutor(
            Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456Z"), ZoneOffset.UTC));

    @Test
    void factorialIsExact() throws Exception {
        assertThat(executor.execute(new TaskSpec.Factorial(0), 1)).isEqualTo("1");
        assertThat(executor.execute(new TaskSpec.Factorial(20), 1)).isEqualTo("2432902008176640000");
        BigInteger expected = BigInteger.ONE;
        for (int i = 2; i <= 400; i++) {
            expected = expected.multiply(BigInteger.valueOf(i));
        }
        assertThat(executor.execute(new TaskSpec.Factorial(400), 1)).isEqualTo(expected.toString());
        assertThat(expected.toString()).hasSize(869);
    }

    @Test
    void transformDoublesEachItemAndStampsItLikePythonsTime() throws Exception {
        Object result = executor.execute(new TaskSpec.Transform(List.of(1, 2.5, new BigInteger("9007199254740993"))),
                1);
        BigDecimal stamp = new BigDecimal("1767323045.123456");
        assertThat(result).isEqualTo(List.of(
                Map.of("processed", BigInteger.TWO, "timestamp", stamp),
                Map.of("processed", 5.0, "timestamp", stamp),
                Map.of("processed", new BigInteger("18014398509481986"), "timestamp", stamp)));
    }

    @Test
    void flakyFailsItsFirstAttemptsThenSucceeds() throws Exception {
        TaskSpec flaky = new TaskSpec.Flaky(2);
        assertThatThrownBy(() -> executor.execute(flaky, 1)).isInstanceOf(TaskFailedException.class);
        assertThatThrownBy(() -> executor.execute(flaky, 2)).isInstanceOf(TaskFailedException.class);
        assertThat(executor.execute(flaky, 3)).isEqualTo(Map.of("succeededOnAttempt", 3));
    }
}
