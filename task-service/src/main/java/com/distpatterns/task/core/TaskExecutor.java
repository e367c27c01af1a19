package com.distpatterns.task.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one attempt of a task and gives its result as JSON-ready values (maps, lists, strings, numbers). */
public final class TaskExecutor {

    private static final BigInteger TWO = BigInteger.TWO;

    private final Clock clock;

    public TaskExecutor(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param attempt the attempt number, 1 for the first run (a redelivery after a crash keeps its number)
     * @throws TaskFailedException when the task fails this attempt
     * @throws InterruptedException when the worker is stopping
     */
    public Object execute(TaskSpec spec, int attempt) throws TaskFailedException, InterruptedException {
        return switch (spec) {
            case TaskSpec.Factorial f -> Factorials.of(f.n()).toString();
            case TaskSpec.Transform t -> transform(t.items());
            case TaskSpec.Sleep s -> {
                Thread.sleep(s.ms());
                yield Map.of("sleptMs", s.ms());
            }
            case TaskSpec.Flaky f -> {
                if (attempt <= f.failures()) {
                    throw new TaskFailedException("flaky: attempt " + attempt + " fails by design (" + f.failures()
                            + " failure(s) requested)");
                }
                yield Map.of("succeededOnAttempt", attempt);
            }
        };
    }

    /** {@code [{"processed": item*2, "timestamp": <epoch seconds, fractional like Python's time.time()>}]}. */
    private List<Map<String, Object>> transform(List<Number> items) {
        return items.stream().map(item -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("processed", twice(item));
            row.put("timestamp", epochSeconds(clock.instant()));
            return row;
        }).toList();
    }

    private static Number twice(Number item) {
        return switch (item) {
            case Integer i -> BigInteger.valueOf(i).multiply(TWO);
            case Long l -> BigInteger.valueOf(l).multiply(TWO);
            case Short s -> BigInteger.valueOf(s).multiply(TWO);
            case BigInteger b -> b.multiply(TWO);
            case BigDecimal d -> d.multiply(BigDecimal.TWO);
            // Doubling a binary float is exact.
            default -> item.doubleValue() * 2;
        };
    }

    private static BigDecimal epochSeconds(Instant now) {
        return BigDecimal.valueOf(now.getEpochSecond()).add(BigDecimal.valueOf(now.getNano() / 1_000, 6));
    }
}
