package com.distpatterns.platform.service;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way a service reads a request body: at most a bound of bytes (413 beyond, refused before a byte is read
 * when the length is declared, and read no further than one byte past the bound when it is not), and, for a body
 * kept as the client sent it, checked to be exactly one JSON value in UTF-8 (400 {@code invalid-json} otherwise).
 * Typed {@code @RequestBody} arguments go through {@link #readBounded} too, by {@link RequestBodyLimit}.
 */
public final class JsonBodies {

    private final JsonMapper json;

    public JsonBodies(JsonMapper json) {
        this.json = json;
    }

    /**
     * @param declaredLength the Content-Length, or -1 when the body is chunked
     * @param tooLarge the 413 to answer when the body is over {@code maxBytes}
     */
    public static byte[] readBounded(InputStream body, long declaredLength, int maxBytes,
            Supplier<ApiException> tooLarge)
            throws IOException {
        if (declaredLength > maxBytes) {
            throw tooLarge.get();
        }
        byte[] bytes = body.readNBytes(declaredLength >= 0 ? (int) declaredLength : maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw tooLarge.get();
        }
        return bytes;
    }

    /** The request's body, at most {@code maxBytes} of exactly one JSON value, its bytes as they came. */
    public byte[] readJsonValue(HttpServletRequest request, int maxBytes, Supplier<ApiException> tooLarge)
            throws IOException {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = readBounded(in, request.getContentLengthLong(), maxBytes, tooLarge);
        }
        checkOneJsonValue(body);
        return body;
    }

    /** Walks every token, so malformed text, bad escapes, invalid UTF-8 and trailing content are all refused. */
    public void checkOneJsonValue(byte[] body) {
        try (JsonParser parser = json.createParser(body)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw invalid(
                        "The body is empty; send one JSON value (an object, array, string, number, true, false or null).");
            }
            int depth = 0;
            do {
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case VALUE_STRING -> parser.getString();
                    default -> {}
                }
                if (depth == 0) {
                    break;
                }
                token = parser.nextToken();
            } while (token != null);
            if (depth != 0 || parser.nextToken() != null) {
                throw invalid(
                        "The body must be exactly one JSON value; it is cut short or has content after the value.");
            }
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw invalid("The body is not valid JSON: " + e.getOriginalMessage() + where + ".");
        }
    }

    private static ApiException invalid(String detail) {
        return ApiException.badRequest("invalid-json", detail);
    }
}
