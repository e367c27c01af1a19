package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvRange;
import com.distpatterns.consensus.core.OpResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Response bodies of the KV API, written by hand so that stored values go out as the client's bytes, never
 * re-encoded. A key's view is {@code {"key","value","createRevision","modRevision","version","revision"}}
 * ({@code revision}, the older calls' name, is the {@code modRevision}); every answer has
 * {@code "header":{"revision","raftTerm"}}.
 */
final class KvJson {

    private final JsonMapper json;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private boolean first = true;

    private KvJson(JsonMapper json) {
        this.json = json;
        out.write('{');
    }

    static KvJson object(JsonMapper json) {
        return new KvJson(json);
    }

    private void name(String name) {
        if (!first) {
            out.write(',');
        }
        first = false;
        out.writeBytes(json.writeValueAsBytes(name));
        out.write(':');
    }

    KvJson raw(String name, byte[] rawJson) {
        name(name);
        out.writeBytes(rawJson == null ? NULL : rawJson);
        return this;
    }

    KvJson string(String name, String value) {
        name(name);
        out.writeBytes(value == null ? NULL : json.writeValueAsBytes(value));
        return this;
    }

    KvJson number(String name, long value) {
        name(name);
        out.writeBytes(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    KvJson bool(String name, boolean value) {
        name(name);
        out.writeBytes((value ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    KvJson header(long revision, long raftTerm) {
        return raw("header",
                ("{\"revision\":" + revision + ",\"raftTerm\":" + raftTerm + "}").getBytes(StandardCharsets.US_ASCII));
    }

    /** The key's fields, flat in this object (the single-key answers). */
    KvJson keyFields(KeyValue kv) {
        string("key", kv.key());
        raw("value", kv.value());
        number("revision", kv.modRevision());
        number("createRevision", kv.createRevision());
        number("modRevision", kv.modRevision());
        number("version", kv.version());
        return kv.lease() == 0 ? this : number("lease", kv.lease());
    }

    KvJson kv(String name, KeyValue kv) {
        return raw(name, kv == null ? null : view(json, kv, false));
    }

    KvJson kvs(String name, List<KeyValue> kvs, boolean keysOnly) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.write('[');
        for (int i = 0; i < kvs.size(); i++) {
            if (i > 0) {
                list.write(',');
            }
            list.writeBytes(view(json, kvs.get(i), keysOnly));
        }
        list.write(']');
        return raw(name, list.toByteArray());
    }

    /** A page of a range: {@code kvs, count, more, next}. */
    KvJson page(KvRange range, boolean keysOnly, boolean countOnly) {
        if (!countOnly) {
            kvs("kvs", range.kvs(), keysOnly);
        }
        number("count", range.count());
        bool("more", range.next() != null);
        return string("next", range.next() == null ? null : cursor(range.next()));
    }

    KvJson results(String name, List<OpResult> results) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.write('[');
        for (int i = 0; i < results.size(); i++) {
            if (i > 0) {
                list.write(',');
            }
            KvJson item = object(json);
            switch (results.get(i)) {
                case OpResult.Put p -> item.raw("put", object(json).kv("kv", p.kv()).bytes());
                case OpResult.Deleted d -> item.raw("delete", object(json).number("deleted", d.deleted()).bytes());
                case OpResult.Get g -> item.raw("get", object(json).kv("kv", g.kv()).bytes());
                case OpResult.Range r ->
                    item.raw("range", object(json).kvs("kvs", r.kvs(), false).number("count", r.count())
                            .bool("more", r.more()).bytes());
            }
            list.writeBytes(item.bytes());
        }
        list.write(']');
        return raw(name, list.toByteArray());
    }

    byte[] bytes() {
        out.write('}');
        return out.toByteArray();
    }

    static byte[] view(JsonMapper json, KeyValue kv, boolean keysOnly) {
        KvJson view = object(json).string("key", kv.key());
        if (!keysOnly) {
            view.raw("value", kv.value());
        }
        view.number("createRevision", kv.createRevision()).number("modRevision", kv.modRevision())
                .number("version", kv.version());
        return (kv.lease() == 0 ? view : view.number("lease", kv.lease())).bytes();
    }

    /** A cursor: the next page's first key, base64url without padding. */
    static String cursor(byte[] key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
}
