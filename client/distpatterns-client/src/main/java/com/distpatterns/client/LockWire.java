package com.distpatterns.client;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamFactory;

/**
 * The JSON of lock-service's acquire, renew and release calls, written and read by hand: a lock cycle makes two
 * calls, and Jackson's data binding (bean serializers, property-based creators, buffer pools) cost the lock
 * benchmark's client more CPU per cycle than everything else it does besides the sockets (docs/benchmarks.md,
 * issue 17). The bodies are fixed and small; the lease is read with Jackson's streaming parser, so any JSON the
 * service may send (field order, escapes, fields added later) is still understood.
 */
final class LockWire {

    record Lease(String leaseId, long fencingToken) {}

    private LockWire() {}

    static byte[] acquire(long ttlMs, long waitMs, String owner) {
        StringBuilder json = new StringBuilder(64 + owner.length()).append("{\"ttlMs\":").append(ttlMs)
                .append(",\"waitMs\":").append(waitMs).append(",\"owner\":");
        return string(json, owner).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] renew(String leaseId, long ttlMs) {
        StringBuilder json = new StringBuilder(64).append("{\"leaseId\":");
        return string(json, leaseId).append(",\"ttlMs\":").append(ttlMs).append('}').toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] release(String leaseId) {
        return string(new StringBuilder(48).append("{\"leaseId\":"), leaseId).append('}').toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string: quotes, backslashes and control characters escaped (RFC 8259, section 7). */
    static StringBuilder string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"');
    }

    /** The leaseId and fencingToken of a grant ({@code {"name":..,"leaseId":..,"fencingToken":..,"expiresAt":..}}). */
    static Lease lease(TokenStreamFactory json, byte[] body) {
        String leaseId = null;
        long fencingToken = -1;
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new SuiteException(
                        "a grant that is not a JSON object: " + new String(body, StandardCharsets.UTF_8), null);
            }
            String field;
            while ((field = parser.nextName()) != null) {
                JsonToken value = parser.nextToken();
                if (field.equals("leaseId") && value == JsonToken.VALUE_STRING) {
                    leaseId = parser.getString();
                } else if (field.equals("fencingToken") && value == JsonToken.VALUE_NUMBER_INT) {
                    fencingToken = parser.getLongValue();
                } else {
                    parser.skipChildren();
                }
            }
        }
        if (leaseId == null || fencingToken < 0) {
            throw new SuiteException(
                    "a grant without leaseId or fencingToken: " + new String(body, StandardCharsets.UTF_8), null);
        }
        return new Lease(leaseId, fencingToken);
    }
}
