package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvRange;
import com.distpatterns.consensus.core.OpResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Response bodies of the KV API, written by hand so that stored values go out as the client's bytes, never
 * re-encoded. A key's view is {@code {"key","value","createRevision","modRevision","version","revision"}}
 * ({@code revision}, the older calls' name, is the {@code modRevision}); every answer has
 * {@code "header":{"revision","raftTerm"}}.
 *
 * <p>One growing byte array per answer, nested objects and lists written into it in place, names and numbers
 * written as bytes: a range of 100 keys used to serialise every name and key through the {@link JsonMapper} (600
 * mapper calls, each taking and returning a buffer from Jackson's shared pool) and copy each key's view twice; that
 * was 69 % of the leader's CPU samples under the ranges benchmark (docs/benchmarks.md). A string is written by the
 * mapper only when it needs escaping or is not ASCII, so every answer is the bytes Jackson would write.
 */
final class KvJson {

    private final JsonMapper json;
    private byte[] buf;
    private int length;
    /** Per open object or list, whether nothing was written in it yet (a comma goes before every later member). */
    private long firstBits = 1;
    private int depth;

    private KvJson(JsonMapper json, int capacity) {
        this.json = json;
        this.buf = new byte[capacity];
        put((byte) '{');
    }

    static KvJson object(JsonMapper json) {
        return new KvJson(json, 256);
    }

    private void put(byte b) {
        if (length == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[length++] = b;
    }

    private void put(byte[] bytes) {
        if (length + bytes.length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + bytes.length));
        }
        System.arraycopy(bytes, 0, buf, length, bytes.length);
        length += bytes.length;
    }

    /** The separator before a member of the innermost open object or list. */
    private void member() {
        long bit = 1L << depth;
        if ((firstBits & bit) != 0) {
            firstBits &= ~bit;
        } else {
            put((byte) ',');
        }
    }

    private void name(String name) {
        member();
        quoted(name);
        put((byte) ':');
    }

    /** A JSON string: plain ASCII byte for byte, anything else as the mapper escapes it. */
    private void quoted(String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                put(json.writeValueAsBytes(value));
                return;
            }
        }
        if (length + n + 2 > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n + 2));
        }
        buf[length++] = '"';
        for (int i = 0; i < n; i++) {
            buf[length++] = (byte) value.charAt(i);
        }
        buf[length++] = '"';
    }

    private void digits(long value) {
        put(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }

    private void open(byte bracket) {
        put(bracket);
        depth++;
        firstBits |= 1L << depth;
    }

    private void close(byte bracket) {
        put(bracket);
        depth--;
    }

    KvJson raw(String name, byte[] rawJson) {
        name(name);
        put(rawJson == null ? NULL : rawJson);
        return this;
    }

    KvJson string(String name, String value) {
        name(name);
        if (value == null) {
            put(NULL);
        } else {
            quoted(value);
        }
        return this;
    }

    KvJson number(String name, long value) {
        name(name);
        digits(value);
        return this;
    }

    KvJson bool(String name, boolean value) {
        name(name);
        put(value ? TRUE : FALSE);
        return this;
    }

    KvJson header(long revision, long raftTerm) {
        name("header");
        open((byte) '{');
        number("revision", revision);
        number("raftTerm", raftTerm);
        close((byte) '}');
        return this;
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
        if (kv == null) {
            return raw(name, null);
        }
        name(name);
        view(kv, false);
        return this;
    }

    KvJson kvs(String name, List<KeyValue> kvs, boolean keysOnly) {
        name(name);
        open((byte) '[');
        for (KeyValue kv : kvs) {
            member();
            view(kv, keysOnly);
        }
        close((byte) ']');
        return this;
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
        name(name);
        open((byte) '[');
        for (OpResult result : results) {
            member();
            open((byte) '{');
            switch (result) {
                case OpResult.Put p -> {
                    name("put");
                    open((byte) '{');
                    kv("kv", p.kv());
                }
                case OpResult.Deleted d -> {
                    name("delete");
                    open((byte) '{');
                    number("deleted", d.deleted());
                }
                case OpResult.Get g -> {
                    name("get");
                    open((byte) '{');
                    kv("kv", g.kv());
                }
                case OpResult.Range r -> {
                    name("range");
                    open((byte) '{');
                    kvs("kvs", r.kvs(), false).number("count", r.count()).bool("more", r.more());
                }
            }
            close((byte) '}');
            close((byte) '}');
        }
        close((byte) ']');
        return this;
    }

    byte[] bytes() {
        put((byte) '}');
        return Arrays.copyOf(buf, length);
    }

    /** A key's view as an object written in place: {@code {"key","value","createRevision","modRevision","version"}}. */
    private void view(KeyValue kv, boolean keysOnly) {
        open((byte) '{');
        string("key", kv.key());
        if (!keysOnly) {
            raw("value", kv.value());
        }
        number("createRevision", kv.createRevision());
        number("modRevision", kv.modRevision());
        number("version", kv.version());
        if (kv.lease() != 0) {
            number("lease", kv.lease());
        }
        close((byte) '}');
    }

    /** A key's view on its own. */
    static byte[] view(JsonMapper json, KeyValue kv, boolean keysOnly) {
        KvJson view = new KvJson(json, 128);
        view.length = 0; // view writes its own brace
        view.view(kv, keysOnly);
        return Arrays.copyOf(view.buf, view.length);
    }

    /** A cursor: the next page's first key, base64url without padding. */
    static String cursor(byte[] key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
}
