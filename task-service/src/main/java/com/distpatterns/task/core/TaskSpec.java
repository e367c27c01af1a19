package com.distpatterns.task.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A task type with its validated arguments: the unit of work a worker executes. */
public sealed interface TaskSpec {

    /** The type names a client may submit, in the order the API documents them. */
    List<String> TYPES = List.of("factorial", "transform", "sleep", "flaky");

    String type();

    /** {@code factorial {"n"}}: n! exactly. */
    record Factorial(int n) implements TaskSpec {
        @Override
        public String type() {
            return "factorial";
        }
    }

    /** {@code transform {"items":[numbers]}}: the article's {@code transform_data}. */
    record Transform(List<Number> items) implements TaskSpec {
        public Transform {
            items = List.copyOf(items);
        }

        @Override
        public String type() {
            return "transform";
        }
    }

    /** {@code sleep {"ms"}}: holds a worker for a while (a stand-in for slow work). */
    record Sleep(long ms) implements TaskSpec {
        @Override
        public String type() {
            return "sleep";
        }
    }

    /** {@code flaky {"failures":k}}: fails its first k attempts, then succeeds. */
    record Flaky(int failures) implements TaskSpec {
        @Override
        public String type() {
            return "flaky";
        }
    }

    /**
     * Reads a client's {@code type} and {@code args} (JSON decoded into maps, lists, numbers and strings).
     *
     * @throws InvalidTaskException naming the first thing wrong
     */
    static TaskSpec parse(String type, Map<String, Object> args, TaskLimits limits) {
        if (type == null || type.isBlank()) {
            throw new InvalidTaskException("'type' is required: one of " + String.join(", ", TYPES) + ".");
        }
        Map<String, Object> given = args == null ? Map.of() : args;
        return switch (type) {
            case "factorial" -> {
                onlyArguments(type, given, "n");
                yield new Factorial((int) integer(given, "n", 0, limits.maxFactorial()));
            }
            case "transform" -> {
                onlyArguments(type, given, "items");
                yield new Transform(numbers(given.get("items")));
            }
            case "sleep" -> {
                onlyArguments(type, given, "ms");
                yield new Sleep(integer(given, "ms", 0, limits.maxSleep().toMillis()));
            }
            case "flaky" -> {
                onlyArguments(type, given, "failures");
                yield new Flaky((int) integer(given, "failures", 0, limits.maxFlakyFailures()));
            }
            default -> throw new InvalidTaskException(
                    "Unknown task type '" + type + "': use one of " + String.join(", ", TYPES) + ".");
        };
    }

    private static void onlyArguments(String type, Map<String, Object> args, String... expected) {
        Set<String> unknown = new TreeSet<>(args.keySet());
        unknown.removeAll(Set.of(expected));
        if (!unknown.isEmpty()) {
            throw new InvalidTaskException("args." + unknown.iterator().next() + " is not an argument of " + type
                    + " (it takes: " + String.join(", ", expected) + ").");
        }
    }

    /** A JSON integer within bounds; decimals, strings and booleans are refused rather than coerced. */
    static long integer(Map<String, Object> args, String name, long min, long max) {
        Object value = args.get(name);
        if (value == null) {
            throw new InvalidTaskException(
                    "args." + name + " is required: an integer from " + min + " to " + max + ".");
        }
        BigInteger number = switch (value) {
            case Integer i -> BigInteger.valueOf(i);
            case Long l -> BigInteger.valueOf(l);
            case Short s -> BigInteger.valueOf(s);
            case BigInteger b -> b;
            default -> throw new InvalidTaskException("args." + name + " must be an integer from " + min + " to " + max
                    + ", not " + describe(value) + ".");
        };
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new InvalidTaskException(
                    "args." + name + " must be from " + min + " to " + max + ", not " + number + ".");
        }
        return number.longValueExact();
    }

    private static List<Number> numbers(Object value) {
        if (!(value instanceof List<?> list)) {
            throw new InvalidTaskException("args.items is required: an array of numbers.");
        }
        List<Number> numbers = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (!(item instanceof Integer || item instanceof Long || item instanceof BigInteger
                    || item instanceof Double || item instanceof BigDecimal || item instanceof Float
                    || item instanceof Short)) {
                throw new InvalidTaskException("args.items[" + i + "] must be a number, not " + describe(item) + ".");
            }
            numbers.add((Number) item);
        }
        return numbers;
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
            case Boolean b -> b.toString();
            case Number n -> n.toString();
            case List<?> l -> "an array";
            case Map<?, ?> m -> "an object";
            default -> value.getClass().getSimpleName();
        };
    }
}
