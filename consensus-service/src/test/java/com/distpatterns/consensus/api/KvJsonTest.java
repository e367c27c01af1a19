package com.distpatterns.consensus.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvRange;
import com.distpatterns.consensus.core.OpResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The answers' bytes: exactly what the API promised, and strings exactly as Jackson escapes them. */
class KvJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static KeyValue kv(String key, String value, long lease) {
        return new KeyValue(key, value.getBytes(StandardCharsets.UTF_8), 3, 7, 2, lease);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aSingleKeyAnswer() {
        byte[] body = KvJson.object(JSON).keyFields(kv("a", "{\"x\":1}", 0)).header(7, 2).bytes();
        assertThat(text(body)).isEqualTo("{\"key\":\"a\",\"value\":{\"x\":1},\"revision\":7,\"createRevision\":3,"
                + "\"modRevision\":7,\"version\":2,\"header\":{\"revision\":7,\"raftTerm\":2}}");
    }

    @Test
    void aPageOfARange() {
        KvRange range = new KvRange(List.of(kv("a", "1", 0), kv("b", "\"two\"", 5)), 3, "c".getBytes());
        byte[] body = KvJson.object(JSON).header(9, 1).page(range, false, false).bytes();
        assertThat(text(body)).isEqualTo("{\"header\":{\"revision\":9,\"raftTerm\":1},\"kvs\":["
                + "{\"key\":\"a\",\"value\":1,\"createRevision\":3,\"modRevision\":7,\"version\":2},"
                + "{\"key\":\"b\",\"value\":\"two\",\"createRevision\":3,\"modRevision\":7,\"version\":2,\"lease\":5}],"
                + "\"count\":3,\"more\":true,\"next\":\"Yw\"}");
        byte[] keysOnly = KvJson.object(JSON).page(new KvRange(List.of(kv("a", "1", 0)), 1, null), true, false)
                .bytes();
        assertThat(text(keysOnly)).isEqualTo("{\"kvs\":[{\"key\":\"a\",\"createRevision\":3,\"modRevision\":7,"
                + "\"version\":2}],\"count\":1,\"more\":false,\"next\":null}");
        assertThat(text(KvJson.object(JSON).page(new KvRange(List.of(), 0, null), false, false).bytes()))
                .isEqualTo("{\"kvs\":[],\"count\":0,\"more\":false,\"next\":null}");
    }

    @Test
    void transactionResults() {
        byte[] body = KvJson.object(JSON).bool("succeeded", true).results("results", List.of(
                new OpResult.Put(kv("a", "1", 0)), new OpResult.Deleted(2), new OpResult.Get(null),
                new OpResult.Range(List.of(kv("b", "2", 0)), 1, false))).bytes();
        assertThat(text(body)).isEqualTo("{\"succeeded\":true,\"results\":["
                + "{\"put\":{\"kv\":{\"key\":\"a\",\"value\":1,\"createRevision\":3,\"modRevision\":7,\"version\":2}}},"
                + "{\"delete\":{\"deleted\":2}},{\"get\":{\"kv\":null}},"
                + "{\"range\":{\"kvs\":[{\"key\":\"b\",\"value\":2,\"createRevision\":3,\"modRevision\":7,\"version\":2}],"
                + "\"count\":1,\"more\":false}}]}");
        assertThat(text(KvJson.object(JSON).results("results", List.of()).bytes())).isEqualTo("{\"results\":[]}");
    }

    @Test
    void keysAreEscapedAsJacksonEscapesThem() {
        for (String key : List.of("plain/key-1", "quote\"d", "back\\slash", "tab\there", "nul\u0000", "del\u007f",
                "é", "日本", "emoji \uD83D\uDE00", "</script>")) {
            byte[] body = KvJson.object(JSON).string("key", key).bytes();
            assertThat(text(body)).as(key)
                    .isEqualTo("{\"key\":" + JSON.writeValueAsString(key) + "}");
            assertThat(JSON.readTree(body).get("key").asString()).isEqualTo(key);
        }
    }

    @Test
    void aViewOnItsOwn() {
        assertThat(text(KvJson.view(JSON, kv("k", "[1]", 0), false))).isEqualTo(
                "{\"key\":\"k\",\"value\":[1],\"createRevision\":3,\"modRevision\":7,\"version\":2}");
    }
}
