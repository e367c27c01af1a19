package com.distpatterns.event.infra;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The publisher's trace context written into a CloudEvents JSON envelope as the {@code traceparent} attribute of the
 * CloudEvents Distributed Tracing extension, for consumers that get the envelope without the message's headers: a
 * live stream client (an SSE event has no headers of its own) can link what it does to the trace of the request
 * that published the event. Webhook requests carry the context as a {@code traceparent} header instead.
 */
final class EnvelopeTraceContext {

    /** W3C Trace Context, version 00: nothing else reaches a client's JSON. */
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final byte[] ATTRIBUTE = "\"traceparent\"".getBytes(StandardCharsets.US_ASCII);

    private EnvelopeTraceContext() {}

    /**
     * The envelope with {@code "traceparent":"<header>"} as its first attribute; the envelope itself when the header
     * is missing or malformed, when the body is not a non-empty JSON object, or when it names a traceparent already
     * (its producer set one: that one stands).
     */
    static byte[] with(byte[] envelope, Object header) {
        if (header == null || !TRACEPARENT.matcher(header.toString()).matches()) {
            return envelope;
        }
        int open = skipWhitespace(envelope, 0);
        if (open >= envelope.length || envelope[open] != '{') {
            return envelope;
        }
        int first = skipWhitespace(envelope, open + 1);
        if (first >= envelope.length || envelope[first] == '}' || contains(envelope, ATTRIBUTE)) {
            return envelope;
        }
        byte[] attribute = ("\"traceparent\":\"" + header + "\",").getBytes(StandardCharsets.US_ASCII);
        byte[] traced = new byte[envelope.length + attribute.length];
        System.arraycopy(envelope, 0, traced, 0, open + 1);
        System.arraycopy(attribute, 0, traced, open + 1, attribute.length);
        System.arraycopy(envelope, open + 1, traced, open + 1 + attribute.length, envelope.length - open - 1);
        return traced;
    }

    private static int skipWhitespace(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return true;
            }
        }
        return false;
    }
}
