package com.distpatterns.event.core;

import java.util.regex.Pattern;

/**
 * A binding pattern in AMQP topic syntax: dot-separated words where {@code *} stands for exactly one word and
 * {@code #} for zero or more, such as {@code user.*} or {@code order.#}.
 */
public record TopicPattern(String value) {

    private static final Pattern GRAMMAR = Pattern.compile("([a-z0-9_-]+|\\*|#)(\\.([a-z0-9_-]+|\\*|#))*");

    /** Everything published. Declared after the grammar, which its construction needs. */
    public static final TopicPattern ALL = new TopicPattern("#");

    public TopicPattern {
        if (value == null || value.isEmpty() || value.length() > EventType.MAX_LENGTH
                || !GRAMMAR.matcher(value).matches()) {
            throw new InvalidInputException("invalid-pattern", "Pattern '" + EventType.printable(value)
                    + "' is not valid: use dot-separated words of a-z, 0-9, '_' and '-', where '*' matches exactly one word"
                    + " and '#' zero or more (e.g. user.* or order.#), at most " + EventType.MAX_LENGTH
                    + " characters.");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
