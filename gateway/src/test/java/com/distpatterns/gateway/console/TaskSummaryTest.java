package com.distpatterns.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The console's task summary over one page of GET /api/tasks, as task-service answers it. */
class TaskSummaryTest {

    final JsonMapper json = JsonMapper.builder().build();
    final Instant now = Instant.parse("2026-12-03T10:00:00Z");
    final ObjectNode page = json.createObjectNode();
    final ArrayNode tasks = page.putArray("tasks");

    @Test
    void countsEachStatusPerTypeAndRatesOnlyTasksThatEndedWithinTheWindow() {
        for (int i = 0; i < 20; i++) {
            task("f" + i, "factorial", "SUCCESS", now.minusSeconds(i % 10), null); // all 20 ended in the last 10 s
        }
        task("old", "factorial", "SUCCESS", now.minusSeconds(60), null);
        task("d1", "flaky", "FAILURE", now.minusSeconds(3), "b1");
        task("q1", "flaky", "PENDING", now.minusSeconds(1), "b1");
        task("bad-time", "flaky", "FAILURE", null, null);

        JsonNode summary = new TaskSummary(page, now, 5, 10, json).toJson(json);

        JsonNode factorial = type(summary, "factorial");
        assertThat(factorial.get("counts").get("SUCCESS").asInt()).isEqualTo(21);
        assertThat(factorial.get("perSecond").get("SUCCESS").asDouble()).as("20 in 10 s; the one a minute old is not")
                .isEqualTo(2.0);
        JsonNode flaky = type(summary, "flaky");
        assertThat(flaky.get("counts").get("FAILURE").asInt()).isEqualTo(2);
        assertThat(flaky.get("counts").get("PENDING").asInt()).isEqualTo(1);
        assertThat(flaky.get("perSecond").get("FAILURE").asDouble()).isEqualTo(0.1);
        assertThat(flaky.get("perSecond").get("SUCCESS").asDouble()).isZero();
        assertThat(summary.get("examined").asInt()).isEqualTo(24);
        assertThat(summary.get("recent")).hasSize(5);
        assertThat(summary.get("recent").get(0).get("id").asString()).isEqualTo("f0");
        assertThat(new TaskSummary(page, now, 5, 10, json).batchIds()).containsExactly("b1");
    }

    @Test
    void anEmptyPageIsAnEmptySummary() {
        JsonNode summary = new TaskSummary(page, now, 20, 10, json).toJson(json);
        assertThat(summary.get("examined").asInt()).isZero();
        assertThat(summary.get("types")).isEmpty();
        assertThat(summary.get("recent")).isEmpty();
    }

    private void task(String id, String type, String status, Instant updatedAt, String batch) {
        ObjectNode task = tasks.addObject().put("id", id).put("type", type).put("status", status).put("attempts", 1);
        if (updatedAt != null) {
            task.put("updatedAt", updatedAt.toString());
        }
        if (batch != null) {
            task.put("batch", batch);
        }
    }

    private static JsonNode type(JsonNode summary, String name) {
        for (JsonNode type : summary.get("types")) {
            if (type.get("type").asString().equals(name)) {
                return type;
            }
        }
        throw new AssertionError("no type " + name);
    }
}
