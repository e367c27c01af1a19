package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.ElectionKeys;
import com.distpatterns.consensus.core.InvalidRequestException;
import com.distpatterns.platform.service.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The election calls' bodies. Values are kept as the client's bytes, as the KV API keeps them: each field's raw
 * JSON is cut out of the body and only the small fields are decoded.
 */
final class ElectionRequests {

    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    static final long MAX_WAIT_MS = 300_000;
    private static final int MAX_BODY_BYTES = JsonValues.MAX_VALUE_BYTES + 4096;

    record Campaign(byte[] value, long leaseId, Duration maxWait) {}

    /** {@code revision} 0: whatever revision the key was created at. */
    record Resign(String key, long revision) {}

    record Proclaim(String key, long revision, byte[] value) {}

    private final JsonMapper json;

    ElectionRequests(JsonMapper json) {
        this.json = json;
    }

    static String checkName(String name) {
        try {
            return ElectionKeys.checkName(name);
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest("invalid-election-name",
                    "Election names are 1.." + ElectionKeys.MAX_NAME_BYTES
                            + " bytes of UTF-8 without '/' or control characters: " + e.getMessage() + ".");
        }
    }

    Campaign campaign(HttpServletRequest request) throws IOException {
        Map<String, byte[]> fields = fields(request, Set.of("value", "leaseId", "waitMs"), "campaign");
        long lease = number(fields, "leaseId", 1, Long.MAX_VALUE, -1, "campaign");
        long wait = number(fields, "waitMs", 0, MAX_WAIT_MS, DEFAULT_WAIT.toMillis(), "campaign");
        return new Campaign(value(fields, "campaign"), lease, Duration.ofMillis(wait));
    }

    Resign resign(HttpServletRequest request) throws IOException {
        Map<String, byte[]> fields = fields(request, Set.of("key", "revision"), "resign");
        return new Resign(key(fields, "resign"), number(fields, "revision", 1, Long.MAX_VALUE, 0, "resign"));
    }

    Proclaim proclaim(HttpServletRequest request) throws IOException {
        Map<String, byte[]> fields = fields(request, Set.of("key", "revision", "value"), "proclaim");
        return new Proclaim(key(fields, "proclaim"), number(fields, "revision", 1, Long.MAX_VALUE, 0, "proclaim"),
                value(fields, "proclaim"));
    }

    /** The top-level fields of a JSON object body, each as its raw JSON; unknown fields are refused. */
    private Map<String, byte[]> fields(HttpServletRequest request, Set<String> known, String call) throws IOException {
        byte[] body = JsonValues.readBody(request, MAX_BODY_BYTES);
        Map<String, byte[]> fields = new HashMap<>();
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(call, "The body must be a JSON object with " + known + ".");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String field = parser.currentName();
                if (!known.contains(field)) {
                    throw invalid(call, "Unknown field '" + field + "': a " + call + " takes " + known + ".");
                }
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getByteOffset();
                if (parser.currentToken().isStructStart()) {
                    parser.skipChildren();
                } else if (parser.currentToken() == JsonToken.VALUE_STRING) {
                    parser.getString(); // decoded so that bad escapes and UTF-8 are caught
                }
                int end = (int) parser.currentLocation().getByteOffset();
                fields.put(field, Arrays.copyOfRange(body, start, end));
            }
            if (parser.nextToken() != null) {
                throw invalid(call, "The body has content after the JSON object.");
            }
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid-json", "The body is not valid JSON: " + e.getOriginalMessage());
        }
        return fields;
    }

    private static byte[] value(Map<String, byte[]> fields, String call) {
        byte[] value = fields.get("value");
        if (value == null || new String(value, StandardCharsets.UTF_8).equals("null")) {
            throw invalid(call, "A " + call + " needs \"value\": any JSON value but null.");
        }
        if (value.length > JsonValues.MAX_VALUE_BYTES) {
            throw invalid(call, "\"value\" is at most 1 MiB of JSON; this one is " + value.length + " bytes.");
        }
        return value;
    }

    private String key(Map<String, byte[]> fields, String call) {
        byte[] raw = fields.get("key");
        if (raw == null || raw.length < 2 || raw[0] != '"') {
            throw invalid(call, "A " + call + " needs \"key\": the leader's key as its campaign answered it.");
        }
        return JsonValues.checkKey(json.readValue(raw, String.class));
    }

    /** A whole number in [min, max]; {@code absent} when the field is missing, or refused when that is -1. */
    private static long number(Map<String, byte[]> fields, String name, long min, long max, long absent, String call) {
        byte[] raw = fields.get(name);
        if (raw == null) {
            if (absent == -1) {
                throw invalid(call, "A " + call + " needs \"" + name + "\".");
            }
            return absent;
        }
        try {
            long value = Long.parseLong(new String(raw, StandardCharsets.US_ASCII));
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw invalid(call, "\"" + name + "\" is a whole number in " + min + ".." + max + ", not "
                + new String(raw, StandardCharsets.UTF_8) + ".");
    }

    private static ApiException invalid(String call, String detail) {
        return ApiException.badRequest("invalid-" + call, detail);
    }
}
