package com.distpatterns.task.infra;

import com.distpatterns.platform.redis.LuaScripts;
import com.distpatterns.platform.redis.ScriptReply;
import com.distpatterns.task.core.PullStore;
import com.distpatterns.task.core.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Pull leases in Redis: the lease in the task's hash ({@code <prefix>:task:{<id>}}: lease, leaseUntil, args,
 * maxRetries) and per type a schedule ({@code <prefix>:pull:{<type>}}, zset task id -> due at, epoch ms). Each
 * script touches one of the two, so each is single-slot on Redis Cluster.
 */
public final class RedisPullStore implements PullStore {

    private static final RedisScript<Long> OFFER = LuaScripts.load("lease-offer", Long.class);
    private static final RedisScript<List<Object>> DUE = LuaScripts.loadList("lease-due");
    private static final RedisScript<List<Object>> CLAIM = LuaScripts.loadList("lease-claim");
    private static final RedisScript<String> SETTLE = LuaScripts.load("lease-settle", String.class);
    private static final RedisScript<Long> ABANDON = LuaScripts.load("lease-abandon", Long.class);

    private final StringRedisTemplate redis;
    private final RedisTaskStore tasks;
    private final String prefix;

    public RedisPullStore(StringRedisTemplate redis, RedisTaskStore tasks, String prefix) {
        this.redis = redis;
        this.tasks = tasks;
        this.prefix = prefix;
    }

    @Override
    public void offer(String type, String taskId, String argsJson, int maxRetries, Instant now) {
        Long offered = redis.execute(OFFER, List.of(tasks.taskKey(taskId)), argsJson, Integer.toString(maxRetries));
        if (offered != null && offered == 1) {
            // NX: a repeated offer (a redelivered message) never makes a leased task due again.
            redis.opsForZSet().addIfAbsent(scheduleKey(type), taskId, now.toEpochMilli());
        }
    }

    @Override
    public List<String> due(String type, int max, Instant now, Instant hiddenUntil) {
        List<Object> ids = redis.execute(DUE, List.of(scheduleKey(type)), millis(now), millis(hiddenUntil),
                Integer.toString(max));
        return ids == null ? List.of() : ids.stream().map(String::valueOf).toList();
    }

    @Override
    public Claim claim(String taskId, String leaseId, Instant now, Instant leaseEnds) {
        ScriptReply answer = ScriptReply.of(redis.execute(CLAIM, List.of(tasks.taskKey(taskId)), leaseId, millis(now),
                millis(leaseEnds)));
        return switch (answer.text("outcome")) {
            case "LEASED" -> new Claim.Leased(Math.toIntExact(answer.number("attempt")), answer.text("args"));
            case "HELD" -> new Claim.Held(Instant.ofEpochMilli(answer.number("until")));
            case "EXHAUSTED" -> new Claim.Exhausted();
            default -> new Claim.Gone();
        };
    }

    @Override
    public Optional<TaskStatus> settle(String taskId, String leaseId, Action action, String payload, String error,
            Instant now) {
        String status = redis.execute(SETTLE, List.of(tasks.taskKey(taskId)), leaseId, millis(now),
                action.name().toLowerCase(Locale.ROOT), payload, error == null ? "" : error);
        return status == null || status.isEmpty() ? Optional.empty() : Optional.of(TaskStatus.valueOf(status));
    }

    @Override
    public List<String> abandon(String type, String error, Instant now) {
        String schedule = scheduleKey(type);
        List<String> ended = new ArrayList<>();
        // Task by task, then the entry: a stop halfway leaves entries that a repeated delete ends.
        while (true) {
            var batch = redis.opsForZSet().range(schedule, 0, 999);
            if (batch == null || batch.isEmpty()) {
                return ended;
            }
            for (String id : batch) {
                Long wasOpen = redis.execute(ABANDON, List.of(tasks.taskKey(id)), millis(now), error);
                if (wasOpen != null && wasOpen == 1) {
                    ended.add(id);
                }
                redis.opsForZSet().remove(schedule, id);
            }
        }
    }

    @Override
    public int maxRetries(String taskId) {
        Object value = redis.opsForHash().get(tasks.taskKey(taskId), "maxRetries");
        return value == null ? 0 : Integer.parseInt(value.toString());
    }

    @Override
    public void reschedule(String type, String taskId, Instant dueAt) {
        redis.opsForZSet().add(scheduleKey(type), taskId, dueAt.toEpochMilli());
    }

    @Override
    public void unschedule(String type, String taskId) {
        redis.opsForZSet().remove(scheduleKey(type), taskId);
    }

    private String scheduleKey(String type) {
        return prefix + ":pull:{" + type + "}";
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }
}
