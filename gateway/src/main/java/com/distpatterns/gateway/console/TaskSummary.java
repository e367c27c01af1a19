package com.distpatterns.gateway.console;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One page of the newest tasks ({@code GET /api/tasks}) summed up for the console: per type, the count of each
 * status and how many tasks per second ended in each final status lately; the newest few; the batches they belong
 * to. Rates come from each task's {@code updatedAt} (when it reached its status), so one snapshot carries them and a
 * page that just opened shows them at once, rather than waiting for two snapshots to compare.
 */
final class TaskSummary {

    /** The window a rate is measured over: long enough to smooth one-second snapshots, short enough to follow load. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(10);
    private static final List<String> FINAL = List.of("SUCCESS", "FAILURE", "REVOKED");
    private static final List<String> BRIEF = List.of("id", "type", "status", "attempts", "error", "updatedAt");

    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final Map<String, Map<String, Integer>> endedLately = new TreeMap<>();
    private final Set<String> batchIds = new LinkedHashSet<>();
    private final ArrayNode recent;
    private final int examined;

    TaskSummary(JsonNode page, Instant now, int shownTasks, int shownBatches, JsonMapper json) {
        this.recent = json.createArrayNode();
        Instant since = now.minus(RATE_WINDOW);
        int seen = 0;
        for (JsonNode task : page.path("tasks")) {
            seen++;
            String type = task.path("type").asString();
            String status = task.path("status").asString();
            counts.computeIfAbsent(type, t -> new LinkedHashMap<>()).merge(status, 1, Integer::sum);
            if (FINAL.contains(status) && endedAfter(task, since)) {
                endedLately.computeIfAbsent(type, t -> new LinkedHashMap<>()).merge(status, 1, Integer::sum);
            }
            if (task.hasNonNull("batch") && batchIds.size() < shownBatches) {
                batchIds.add(task.path("batch").asString());
            }
            if (recent.size() < shownTasks) {
                ObjectNode brief = recent.addObject();
                for (String field : BRIEF) {
                    if (task.has(field)) {
                        brief.set(field, task.get(field));
                    }
                }
            }
        }
        this.examined = seen;
    }

    Set<String> batchIds() {
        return batchIds;
    }

    /** {@code {"examined","types":[{"type","counts":{STATUS:n},"perSecond":{STATUS:rate}}],"recent":[...]}}. */
    ObjectNode toJson(JsonMapper json) {
        ObjectNode result = json.createObjectNode();
        result.put("examined", examined);
        result.put("rateWindowSeconds", RATE_WINDOW.toSeconds());
        ArrayNode types = result.putArray("types");
        counts.forEach((type, byStatus) -> {
            ObjectNode entry = types.addObject();
            entry.put("type", type);
            ObjectNode statuses = entry.putObject("counts");
            byStatus.forEach(statuses::put);
            ObjectNode perSecond = entry.putObject("perSecond");
            for (String status : FINAL) {
                int ended = endedLately.getOrDefault(type, Map.of()).getOrDefault(status, 0);
                perSecond.put(status, ended / (double) RATE_WINDOW.toSeconds());
            }
        });
        result.set("recent", recent);
        return result;
    }

    private static boolean endedAfter(JsonNode task, Instant since) {
        try {
            return !Instant.parse(task.path("updatedAt").asString()).isBefore(since);
        } catch (DateTimeParseException e) {
            return false; // a task without a parseable time is counted, just not in a rate
        }
    }
}
