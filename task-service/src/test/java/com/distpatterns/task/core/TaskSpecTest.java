package com.distpatterns.task.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskSpecTest {

    private final TaskLimits limits = new TaskLimits(400, Duration.ofSeconds(60), 20, 10, 10_000, 200);

    @Test
    void readsEachType() {
        assertThat(TaskSpec.parse("factorial", Map.of("n", 20), limits)).isEqualTo(new TaskSpec.Factorial(20));
        assertThat(TaskSpec.parse("transform", Map.of("items", List.of(1, 2.5)), limits))
                .isEqualTo(new TaskSpec.Transform(List.of(1, 2.5)));
        assertThat(TaskSpec.parse("sleep", Map.of("ms", 0), limits)).isEqualTo(new TaskSpec.Sleep(0));
        assertThat(TaskSpec.parse("flaky", Map.of("failures", 2), limits)).isEqualTo(new TaskSpec.Flaky(2));
    }

    @Test
    void refusesWhatAWorkerCouldNotRunAndSaysWhy() {
        assertRefused(null, Map.of(), "'type' is required");
        assertRefused("shutdown", Map.of(), "Unknown task type 'shutdown'");
        assertRefused("factorial", Map.of(), "args.n is required");
        assertRefused("factorial", Map.of("n", -1), "args.n must be from 0 to 400, not -1");
        assertRefused("factorial", Map.of("n", 401), "args.n must be from 0 to 400, not 401");
        assertRefused("factorial", Map.of("n", new BigInteger("100000000000000000000")), "must be from 0 to 400");
        assertRefused("factorial", Map.of("n", 2.5), "args.n must be an integer from 0 to 400, not 2.5");
        assertRefused("factorial", Map.of("n", "5"), "not the string \"5\"");
        assertRefused("factorial", Map.of("n", true), "not true");
        assertRefused("factorial", Map.of("n", 5, "extra", 1), "args.extra is not an argument of factorial");
        assertRefused("transform", Map.of(), "args.items is required: an array of numbers");
        assertRefused("transform", Map.of("items", "1,2"), "args.items is required: an array of numbers");
        assertRefused("transform", Map.of("items", Arrays.asList(1, null)), "args.items[1] must be a number, not null");
        assertRefused("transform", Map.of("items", List.of(1, "2")), "args.items[1] must be a number");
        assertRefused("sleep", Map.of("ms", 60_001), "args.ms must be from 0 to 60000");
        assertRefused("flaky", Map.of("failures", 21), "args.failures must be from 0 to 20");
    }

    private void assertRefused(String type, Map<String, Object> args, String detail) {
        assertThatThrownBy(() -> TaskSpec.parse(type, args, limits))
                .isInstanceOf(InvalidTaskException.class)
                .hasMessageContaining(detail);
    }
}
