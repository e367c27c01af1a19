package com.distpatterns.event.core;

import java.util.regex.Pattern;

/** An event type such as {@code user.created}; it is also the routing key on the topic exchange. */
public record EventType(String value) {

    /** AMQP routing keys are at most 255 bytes; the grammar keeps them ASCII, so characters are bytes. */
    public static final int MAX_LENGTH = 255;
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");

    public EventType {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
            throw new InvalidInputException("invalid-event-type", "Event type '" + printable(value)
                    + "' is not valid: use dot-separated words of a-z, 0-9, '_' and '-' (e.g. user.created), at most "
                    + MAX_LENGTH + " characters.");
        }
    }

    static String printable(String value) {
        if (value == null) {
            return "";
        }
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return value;
    }
}
