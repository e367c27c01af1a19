package com.distpatterns.consensus.api;

import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.JsonBodies;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies in (responses: {@link KvJson}). Values are kept as the client's bytes: a body is checked to be one
 * JSON value, never re-encoded.
 */
final class JsonValues {

    /** Values up to 1 MiB, as API.md says. */
    static final int MAX_VALUE_BYTES = 1 << 20;
    /** Keys of 1..512 bytes of UTF-8. */
    static final int MAX_KEY_BYTES = 512;
    // A compare-and-set carries two values and a little syntax.
    private static final int MAX_CAS_BODY_BYTES = 2 * MAX_VALUE_BYTES + 4096;

    private final JsonMapper json;

    JsonValues(JsonMapper json) {
        this.json = json;
    }

    /** A compare-and-set request: {@code expected} is null for "absent". */
    record CasRequest(byte[] expected, byte[] value) {}

    static String checkKey(String key) {
        int length = key.getBytes(StandardCharsets.UTF_8).length;
        if (length < 1 || length > MAX_KEY_BYTES) {
            throw ApiException.badRequest("invalid-key",
                    "Keys are 1.." + MAX_KEY_BYTES + " bytes of UTF-8; this one is " + length + " bytes.");
        }
        return key;
    }

    /** The body of a PUT: one JSON value of at most 1 MiB, not {@code null}. */
    byte[] readValue(HttpServletRequest request) throws IOException {
        byte[] body = readBody(request, MAX_VALUE_BYTES);
        int[] span = valueSpan(body, "The body");
        if (span[0] != 0 || span[1] != body.length) {
            body = Arrays.copyOfRange(body, span[0], span[1]); // surrounding whitespace is not part of the value
        }
        return checkValue(body, "The body");
    }

    /** The body of a compare-and-set: {@code {"expected": <value or null>, "value": <value>}}. */
    CasRequest readCas(HttpServletRequest request) throws IOException {
        byte[] body = readBody(request, MAX_CAS_BODY_BYTES);
        byte[] expected = null;
        byte[] value = null;
        boolean sawExpected = false;
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notJson(
                        "The body must be a JSON object {\"expected\": <value or null>, \"value\": <new value>}.");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String field = parser.currentName();
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getByteOffset();
                skipValue(parser);
                int end = (int) parser.currentLocation().getByteOffset();
                byte[] raw = Arrays.copyOfRange(body, start, end);
                switch (field) {
                    case "expected" -> {
                        sawExpected = true;
                        expected = isNull(raw) ? null : checkSize(raw, "expected");
                    }
                    case "value" -> value = raw;
                    default -> throw ApiException.badRequest("invalid-cas",
                            "Unknown field '" + field + "': a compare-and-set takes only \"expected\" and \"value\".");
                }
            }
            if (parser.nextToken() != null) {
                throw notJson("The body has content after the JSON object.");
            }
        } catch (JacksonException e) {
            throw notJson("The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (value == null) {
            throw ApiException.badRequest("invalid-cas",
                    "A compare-and-set needs \"value\": the JSON value to store if the key holds \"expected\".");
        }
        if (!sawExpected) {
            throw ApiException.badRequest("invalid-cas",
                    "A compare-and-set needs \"expected\": the value the key must hold, or null for \"the key is absent\".");
        }
        return new CasRequest(expected, checkValue(value, "\"value\""));
    }

    /** The request's body, at most {@code limit} bytes (else 413), as the platform reads every bounded body. */
    static byte[] readBody(HttpServletRequest request, int limit) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return JsonBodies.readBounded(in, request.getContentLengthLong(), limit,
                    () -> tooLarge("more than " + limit + " bytes"));
        }
    }

    /** Where the single JSON value in {@code body} starts and ends; every token is checked. */
    private int[] valueSpan(byte[] body, String what) {
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() == null) {
                throw notJson(what + " is empty; send a JSON value (an object, array, string, number, true or false).");
            }
            int start = (int) parser.currentTokenLocation().getByteOffset();
            skipValue(parser);
            int end = (int) parser.currentLocation().getByteOffset();
            if (parser.nextToken() != null) {
                throw notJson(what + " must be exactly one JSON value; it has content after the value.");
            }
            return new int[] {start, end};
        } catch (JacksonException e) {
            throw notJson(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Reads to the end of the value at the current token, decoding strings so bad escapes and UTF-8 are caught. */
    private static void skipValue(JsonParser parser) {
        int depth = 0;
        JsonToken token = parser.currentToken();
        while (true) {
            switch (token) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> parser.getString();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
                default -> {
                }
            }
            if (depth == 0) {
                return;
            }
            token = parser.nextToken();
            if (token == null) {
                throw notJson("The JSON value is cut short.");
            }
        }
    }

    private static byte[] checkValue(byte[] value, String what) {
        if (isNull(value)) {
            throw ApiException.badRequest("null-value",
                    what + " is null, which stands for an absent key; to remove a key use DELETE.");
        }
        return checkSize(value, what);
    }

    private static byte[] checkSize(byte[] value, String what) {
        if (value.length > MAX_VALUE_BYTES) {
            throw tooLarge(what + " of " + value.length + " bytes");
        }
        return value;
    }

    private static boolean isNull(byte[] raw) {
        return raw.length == 4 && raw[0] == 'n' && raw[1] == 'u' && raw[2] == 'l' && raw[3] == 'l';
    }

    private static ApiException notJson(String detail) {
        return ApiException.badRequest("invalid-json", detail);
    }

    private static ApiException tooLarge(String size) {
        return new ApiException(org.springframework.http.HttpStatus.CONTENT_TOO_LARGE, "value-too-large",
                "A value may be at most 1 MiB (" + MAX_VALUE_BYTES + " bytes) of JSON; got " + size + ".",
                null, java.util.Map.of());
    }
}
