package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.Compare;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.TxnOp;
import com.distpatterns.platform.service.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bodies of {@code POST /api/txn} and {@code POST /api/kv/compact}, checked whole before anything is proposed:
 * every mistake is a 400 (or 413) naming it.
 */
final class TxnRequests {

    /** 128 values of 1 MiB would be 128 MiB: a transaction's body stays far below, as etcd's requests do. */
    static final int MAX_TXN_BODY_BYTES = 8 << 20;

    private final JsonMapper json;

    TxnRequests(JsonMapper json) {
        this.json = json;
    }

    KvCommand.Txn read(HttpServletRequest request) throws IOException {
        JsonNode body = parse(request, MAX_TXN_BODY_BYTES);
        if (!body.isObject()) {
            throw invalid("The body is a JSON object {\"compare\":[...], \"success\":[...], \"failure\":[...]}.");
        }
        for (String field : body.propertyNames()) {
            if (!Set.of("compare", "success", "failure").contains(field)) {
                throw invalid("Unknown field '" + field + "': a transaction has compare, success and failure.");
            }
        }
        List<Compare> compares = new ArrayList<>();
        for (JsonNode c : array(body, "compare", KvCommand.MAX_TXN_COMPARES)) {
            compares.add(compare(c));
        }
        return new KvCommand.Txn(compares, ops(body, "success"), ops(body, "failure"));
    }

    long readCompact(HttpServletRequest request) throws IOException {
        JsonNode body = parse(request, 4096);
        JsonNode revision = body.isObject() ? body.get("revision") : null;
        if (revision == null || !revision.isIntegralNumber() || revision.asLong() < 1 || body.size() != 1) {
            throw ApiException.badRequest("invalid-compact",
                    "The body is {\"revision\": N}, N a store revision of at least 1.");
        }
        return revision.asLong();
    }

    private JsonNode parse(HttpServletRequest request, int limit) throws IOException {
        byte[] bytes = JsonValues.readBody(request, limit);
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw invalid("The body is empty; send a JSON object.");
            }
            return node;
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid-json", "The body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static List<JsonNode> array(JsonNode body, String field, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("'" + field + "' is an array.");
        }
        if (node.size() > max) {
            throw invalid("'" + field + "' has " + node.size() + " entries; at most " + max + ".");
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private Compare compare(JsonNode c) {
        if (!c.isObject()) {
            throw invalid("A compare is {\"key\", \"target\", \"op\", \"value\"}.");
        }
        String key = key(c, "key");
        String targetName = text(c, "target");
        Compare.Target target = switch (targetName) {
            case "value" -> Compare.Target.VALUE;
            case "version" -> Compare.Target.VERSION;
            case "createRevision" -> Compare.Target.CREATE_REVISION;
            case "modRevision" -> Compare.Target.MOD_REVISION;
            default -> throw invalid(
                    "A compare's target is value, version, createRevision or modRevision, not '" + targetName + "'.");
        };
        String opName = text(c, "op");
        Compare.Op op = switch (opName) {
            case "=" -> Compare.Op.EQUAL;
            case "!=" -> Compare.Op.NOT_EQUAL;
            case "<" -> Compare.Op.LESS;
            case ">" -> Compare.Op.GREATER;
            default -> throw invalid("A compare's op is =, !=, < or >, not '" + opName + "'.");
        };
        JsonNode value = c.get("value");
        if (value == null) {
            throw invalid("A compare needs \"value\": the JSON value (target value) or the number to compare with.");
        }
        if (target == Compare.Target.VALUE) {
            if (value.isNull()) {
                throw invalid(
                        "A compare of a value needs a JSON value; to test that a key is absent compare its version with 0.");
            }
            return new Compare(key, target, op, valueBytes(value), 0);
        }
        if (!value.isIntegralNumber() || value.asLong() < 0) {
            throw invalid("A compare of " + targetName + " takes a whole number of at least 0, not " + value + ".");
        }
        return new Compare(key, target, op, null, value.asLong());
    }

    /** A put's {@code lease}: a lease id, absent or 0 for none. */
    private static long lease(JsonNode args) {
        JsonNode lease = args.get("lease");
        if (lease == null || lease.isNull()) {
            return 0;
        }
        if (!lease.isIntegralNumber() || lease.asLong() < 0) {
            throw invalid("A put's \"lease\" is a lease id (a whole number; 0 for none), not " + lease + ".");
        }
        return lease.asLong();
    }

    private List<TxnOp> ops(JsonNode body, String branch) {
        List<TxnOp> ops = new ArrayList<>();
        Set<String> written = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        for (JsonNode item : array(body, branch, KvCommand.MAX_TXN_OPS)) {
            if (!item.isObject() || item.size() != 1) {
                throw invalid("An op is one of {\"put\":{key,value}}, {\"delete\":{key}}, {\"deletePrefix\":{prefix}}, "
                        + "{\"get\":{key}}, {\"range\":{prefix,limit}}.");
            }
            String kind = item.propertyNames().iterator().next();
            JsonNode args = item.get(kind);
            if (!args.isObject()) {
                throw invalid("The arguments of '" + kind + "' are an object.");
            }
            TxnOp op = switch (kind) {
                case "put" -> {
                    JsonNode value = args.get("value");
                    if (value == null || value.isNull()) {
                        throw invalid("A put needs a \"value\" (any JSON but null; to remove a key use delete).");
                    }
                    yield new TxnOp.Put(key(args, "key"), valueBytes(value), lease(args));
                }
                case "delete" -> new TxnOp.Delete(key(args, "key"));
                case "deletePrefix" -> new TxnOp.DeletePrefix(text(args, "prefix"));
                case "get" -> new TxnOp.Get(key(args, "key"));
                case "range" -> {
                    JsonNode limit = args.get("limit");
                    int max = KvCalls.DEFAULT_LIMIT;
                    if (limit != null) {
                        if (!limit.isIntegralNumber() || limit.asLong() < 1
                                || limit.asLong() > KvCalls.MAX_LIMIT) {
                            throw invalid("A range's limit is 1.." + KvCalls.MAX_LIMIT + ".");
                        }
                        max = limit.asInt();
                    }
                    yield new TxnOp.Range(text(args, "prefix"), max);
                }
                default -> throw invalid("Unknown op '" + kind + "': put, delete, deletePrefix, get or range.");
            };
            switch (op) {
                case TxnOp.Put p -> checkWrite(branch, p.key(), written, prefixes);
                case TxnOp.Delete d -> checkWrite(branch, d.key(), written, prefixes);
                case TxnOp.DeletePrefix d -> {
                    for (String other : prefixes) {
                        if (other.startsWith(d.prefix()) || d.prefix().startsWith(other)) {
                            throw invalid("Two deletePrefix ops of '" + branch + "' overlap ('" + other + "', '"
                                    + d.prefix() + "').");
                        }
                    }
                    for (String key : written) {
                        if (key.startsWith(d.prefix())) {
                            throw invalid("'" + key + "' is written twice in '" + branch + "' (deletePrefix '"
                                    + d.prefix() + "' covers it).");
                        }
                    }
                    prefixes.add(d.prefix());
                }
                default -> {
                }
            }
            ops.add(op);
        }
        return ops;
    }

    private static void checkWrite(String branch, String key, Set<String> written, List<String> prefixes) {
        if (!written.add(key)) {
            throw invalid(
                    "'" + key + "' is written twice in '" + branch + "'; a key may be written once per transaction.");
        }
        for (String prefix : prefixes) {
            if (key.startsWith(prefix)) {
                throw invalid("'" + key + "' is written twice in '" + branch + "' (deletePrefix '" + prefix
                        + "' covers it).");
            }
        }
    }

    private byte[] valueBytes(JsonNode value) {
        byte[] bytes = json.writeValueAsBytes(value);
        if (bytes.length > JsonValues.MAX_VALUE_BYTES) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "value-too-large", "A value may be at most 1 MiB ("
                    + JsonValues.MAX_VALUE_BYTES + " bytes) of JSON; got " + bytes.length + " bytes.", null, Map.of());
        }
        return bytes;
    }

    private static String key(JsonNode args, String field) {
        String key = text(args, field);
        int length = key.getBytes(StandardCharsets.UTF_8).length;
        if (length < 1 || length > JsonValues.MAX_KEY_BYTES) {
            throw ApiException.badRequest("invalid-key",
                    "Keys are 1.." + JsonValues.MAX_KEY_BYTES + " bytes of UTF-8; '"
                            + field + "' is " + length + " bytes.");
        }
        return key;
    }

    private static String text(JsonNode args, String field) {
        JsonNode node = args.get(field);
        if (node == null || !node.isString()) {
            throw invalid("'" + field + "' is a string.");
        }
        return node.asString();
    }

    private static ApiException invalid(String detail) {
        return ApiException.badRequest("invalid-txn", detail);
    }
}
