package com.distpatterns.cache.core;

import java.util.regex.Pattern;

/** The name of one cache: {@code [A-Za-z0-9._-]{1,64}}, so it can never break out of its Redis key namespace. */
public record CacheName(String value) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + EntryLimits.MAX_CACHE_NAME_LENGTH + "}");

    public CacheName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidInputException(InvalidInputException.Reason.CACHE_NAME,
                    "A cache name is 1 to " + EntryLimits.MAX_CACHE_NAME_LENGTH
                            + " characters of letters, digits, '.', '_' and '-'; '" + value + "' is not.");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
