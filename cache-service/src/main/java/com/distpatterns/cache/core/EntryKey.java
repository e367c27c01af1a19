package com.distpatterns.cache.core;

import java.nio.charset.StandardCharsets;

/** The key of one entry inside a cache: 1 to 512 bytes of UTF-8. */
public record EntryKey(String value) {

    public EntryKey {
        int bytes = value == null ? 0 : utf8Length(value);
        if (bytes < 1 || bytes > EntryLimits.MAX_KEY_BYTES) {
            throw new InvalidInputException(InvalidInputException.Reason.KEY,
                    "A key is 1 to " + EntryLimits.MAX_KEY_BYTES + " bytes of UTF-8; this one has " + bytes + ".");
        }
    }

    public byte[] utf8() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Counts without allocating: most keys are checked on the hot path. */
    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public String toString() {
        return value;
    }
}
