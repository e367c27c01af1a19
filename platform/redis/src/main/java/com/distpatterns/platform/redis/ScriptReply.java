package com.distpatterns.platform.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Lua script's reply read by field name: the script returns a flat array {@code {'name', value, 'name', value,
 * ...}}, so adding or moving a field in the script cannot shift another. Values are what Redis hands back for Lua
 * values: integers as {@code Long}, strings as {@code String} or {@code byte[]} (by the template's serializer).
 */
public final class ScriptReply {

    private final Map<String, Object> fields;

    private ScriptReply(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** @param flat the script's array reply; {@code null} or empty for a script that answered nothing */
    public static ScriptReply of(List<?> flat) {
        if (flat == null) {
            return new ScriptReply(Map.of());
        }
        if (flat.size() % 2 != 0) {
            throw new IllegalStateException("A script reply of names and values has an odd length " + flat.size());
        }
        Map<String, Object> fields = new HashMap<>(flat.size());
        for (int i = 0; i < flat.size(); i += 2) {
            fields.put(text(flat.get(i)), flat.get(i + 1));
        }
        return new ScriptReply(fields);
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /** An integer field, sent by the script as a Lua number (or a string of digits). */
    public long number(String name) {
        Object value = field(name);
        return value instanceof Long number ? number : Long.parseLong(text(value));
    }

    public String text(String name) {
        return text(field(name));
    }

    public byte[] bytes(String name) {
        Object value = field(name);
        return value instanceof byte[] bytes ? bytes : text(value).getBytes(StandardCharsets.UTF_8);
    }

    /** A field that is itself an array, such as the reply of a command the script passed on. */
    public List<?> list(String name) {
        Object value = field(name);
        if (!(value instanceof List<?> list)) {
            throw new IllegalStateException("The script's reply field '" + name + "' is not an array");
        }
        return list;
    }

    private Object field(String name) {
        Object value = fields.get(name);
        if (value == null) {
            throw new IllegalStateException("The script's reply has no field '" + name + "', only " + fields.keySet());
        }
        return value;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    @Override
    public String toString() {
        return "ScriptReply" + fields.keySet();
    }
}
