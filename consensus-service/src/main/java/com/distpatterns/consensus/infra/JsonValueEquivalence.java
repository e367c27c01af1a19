package com.distpatterns.consensus.infra;

import com.distpatterns.consensus.core.ValueEquivalence;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compare-and-set compares JSON values, not their spelling: {@code {"a":1, "b":2}} is {@code {"b":2,"a":1}}. Values
 * are stored as the client sent them, so a client that re-serializes what it read still matches.
 */
public final class JsonValueEquivalence implements ValueEquivalence {

    private final JsonMapper json;

    public JsonValueEquivalence(JsonMapper json) {
        this.json = json;
    }

    @Override
    public boolean same(byte[] stored, byte[] expected) {
        if (Arrays.equals(stored, expected)) {
            return true;
        }
        try {
            return json.readTree(stored).equals(json.readTree(expected));
        } catch (JacksonException e) {
            return false; // only valid JSON is ever stored; a broken one matches nothing
        }
    }
}
