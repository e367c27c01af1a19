package com.distpatterns.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.cluster.KvClient.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A store at its quota on disk refuses writes that add data with 507, and still reads, deletes and compacts. */
class QuotaProcessTest {

    @TempDir
    Path root;

    @Test
    void writesPastTheQuotaAnswer507AndEverythingElseGoesOn() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(root, 1, Map.of("CONSENSUS_QUOTA_BYTES", "256KB"))) {
            cluster.startAll();
            ProcessCluster.await("the node ready", ProcessCluster.START_TIMEOUT,
                    () -> cluster.client(1).readiness().ok());
            KvClient client = cluster.client(1);
            String value = "\"" + "q".repeat(4000) + "\"";
            Answer refused = null;
            int written = 0;
            for (int i = 0; i < 1000 && refused == null; i++) {
                Answer answer = client.put("quota/" + i, value);
                if (answer.status() == 507) {
                    refused = answer;
                } else {
                    assertThat(answer.status()).isEqualTo(200);
                    written++;
                }
                if (i % 20 == 0) {
                    Thread.sleep(150); // the size is sampled every tick
                }
            }
            assertThat(refused).as("a 507 before 1000 writes of 4 KB into 256 KB").isNotNull();
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body().get("detail").asString()).contains("quota");
            assertThat(refused.body().get("quotaBytes").asLong()).isEqualTo(256 * 1024);
            JsonNode view = cluster.cluster(1).orElseThrow();
            assertThat(view.get("storeBytes").asLong()).isGreaterThan(200 * 1024);
            assertThat(view.get("quotaBytes").asLong()).isEqualTo(256 * 1024);

            assertThat(client
                    .call("POST", "/api/txn", "{\"success\":[{\"put\":{\"key\":\"quota/t\",\"value\":" + value + "}}]}")
                    .status()).as("a transaction that puts").isEqualTo(507);
            assertThat(client.get("quota/0").status()).as("reads go on").isEqualTo(200);
            assertThat(client.call("GET", "/api/kv?prefix=quota/&countOnly=true", null).body().get("count").asLong())
                    .isEqualTo(written);
            assertThat(client.delete("quota/0").status()).as("deletes go on").isEqualTo(200);
            assertThat(client.call("POST", "/api/txn", "{\"success\":[{\"deletePrefix\":{\"prefix\":\"quota/1\"}}]}")
                    .status())
                    .as("a transaction that only deletes").isEqualTo(200);
            long revision = view.get("revision").asLong();
            assertThat(client.call("POST", "/api/kv/compact", "{\"revision\":" + revision + "}").status())
                    .as("compaction goes on").isEqualTo(200);
            ProcessCluster.await("still refused", Duration.ofSeconds(5),
                    () -> client.put("quota/more", value).status() == 507);
        }
    }
}
