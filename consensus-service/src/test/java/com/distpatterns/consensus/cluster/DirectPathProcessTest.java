package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.cluster.KvClient.Answer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The key-value calls answered by the direct path and by Spring MVC ({@code consensus.direct-kv=false}) are the same
 * answers: two fresh one-node clusters are sent the same calls, good and bad, and must give the same status, content
 * type and body (the Raft term aside, which each node picks for itself).
 */
class DirectPathProcessTest {

    @TempDir
    Path root;

    /** Method, path with its query, body (null: none). */
    private static final List<String[]> CALLS = List.of(
            new String[] {"PUT", "/api/kv/a", "{\"x\": 1}"},
            new String[] {"PUT", "/api/kv/a%20b", " \"spaced\" "},
            new String[] {"GET", "/api/kv/a%20b", null},
            new String[] {"GET", "/api/kv/a?consistency=local", null},
            new String[] {"GET", "/api/kv/a?revision=2", null},
            new String[] {"GET", "/api/kv/a?revision=1", null},
            new String[] {"GET", "/api/kv/a?revision=999", null},
            new String[] {"GET", "/api/kv/a?revision=abc", null},
            new String[] {"GET", "/api/kv/a?consistency=weird", null},
            new String[] {"GET", "/api/kv/missing", null},
            new String[] {"PUT", "/api/kv/b", "not json"},
            new String[] {"PUT", "/api/kv/b", "null"},
            new String[] {"PUT", "/api/kv/b", ""},
            new String[] {"PUT", "/api/kv/" + "k".repeat(513), "1"},
            new String[] {"PUT", "/api/kv/a?ifModRevision=1", "2"},
            new String[] {"PUT", "/api/kv/a?ifModRevision=2", "3"},
            new String[] {"PUT", "/api/kv/c?ifModRevision=0", "4"},
            new String[] {"PUT", "/api/kv/d?lease=77", "5"},
            new String[] {"PUT", "/api/kv/d?lease=x", "5"},
            new String[] {"GET", "/api/kv?prefix=&limit=2", null},
            new String[] {"GET", "/api/kv?prefix=a&keysOnly=true", null},
            new String[] {"GET", "/api/kv?from=a&to=c&countOnly=true", null},
            new String[] {"GET", "/api/kv?prefix=a&limit=0", null},
            new String[] {"GET", "/api/kv?prefix=a&from=b", null},
            new String[] {"GET", "/api/kv?prefix=a&cursor=!!", null},
            new String[] {"POST", "/api/txn", "{\"compare\":[{\"key\":\"a\",\"target\":\"version\",\"op\":\">\","
                    + "\"value\":0}],\"success\":[{\"get\":{\"key\":\"a\"}},{\"put\":{\"key\":\"e\",\"value\":6}}],"
                    + "\"failure\":[]}"},
            new String[] {"POST", "/api/txn", "{\"compare\":"},
            new String[] {"POST", "/api/txn", "{\"success\":[{\"put\":{\"key\":\"f\",\"value\":1}},"
                    + "{\"put\":{\"key\":\"f\",\"value\":2}}]}"},
            new String[] {"DELETE", "/api/kv/c", null},
            new String[] {"DELETE", "/api/kv/c", null},
            new String[] {"DELETE", "/api/kv/a?ifModRevision=1", null},
            new String[] {"DELETE", "/api/kv/a?ifModRevision=x", null},
            new String[] {"POST", "/api/kv/a/cas", "{\"expected\":3,\"value\":7}"},
            new String[] {"PATCH", "/api/kv/a", "1"},
            new String[] {"GET", "/api/kv/a;x=1", null},
            new String[] {"GET", "/api/kv/watch?key=", null},
            new String[] {"PUT", "/api/kv/compact", "1"},
            new String[] {"GET", "/api/kv/compact", null},
            new String[] {"GET", "/api/kv/a/", null},
            new String[] {"GET", "/api/kv/a", null});

    @Test
    void bothDoorsGiveTheSameAnswers() throws Exception {
        try (ProcessCluster direct = new ProcessCluster(root.resolve("direct"), 1, Map.of());
                ProcessCluster mvc = new ProcessCluster(root.resolve("mvc"), 1,
                        Map.of("CONSENSUS_DIRECT_KV", "false"))) {
            direct.startAll();
            mvc.startAll();
            for (ProcessCluster cluster : List.of(direct, mvc)) {
                ProcessCluster.await("the node ready", ProcessCluster.START_TIMEOUT,
                        () -> cluster.client(1).readiness().ok());
            }
            for (String[] call : CALLS) {
                Answer one = direct.client(1).call(call[0], call[1], call[2]);
                Answer other = mvc.client(1).call(call[0], call[1], call[2]);
                String what = call[0] + " " + call[1];
                assertThat(one.status()).as(what).isEqualTo(other.status()).isPositive();
                assertThat(one.contentType()).as(what).isEqualTo(other.contentType());
                assertThat(withoutTerm(one.body())).as(what).isEqualTo(withoutTerm(other.body()));
            }
        }
    }

    private static JsonNode withoutTerm(JsonNode body) {
        if (body instanceof ObjectNode object && object.get("header") instanceof ObjectNode header) {
            header.remove("raftTerm");
        }
        return body;
    }
}
