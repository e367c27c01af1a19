package com.distpatterns.task.infra;

import com.distpatterns.task.core.PullStore;
import com.distpatterns.task.core.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Pull leases in Redis: the lease in the task's hash ({@code <prefix>:task:{<id>}}: lease, leaseUntil, args,
 * maxRetries) and per type a schedule ({@code <prefix>:pull:{<type>}}, zset task id -> due at, epoch ms). Each
 * script touches one of the two, so each is single-slot on Redis Cluster.
 */
public final class RedisPullStore implements PullStore {

  private static final RedisScript<Long> OFFER = script("lease-offer", Long.class);
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final RedisScript<List<String>> DUE = (RedisScript) script("lease-due", List.class);
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final RedisScript<List<String>> CLAIM = (RedisScript) script("lease-claim", List.class);
  private static final RedisScript<String> SETTLE = script("lease-settle", String.class);
  private static final RedisScript<Long> ABANDON = script("lease-abandon", Long.class);

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
    return redis.execute(DUE, List.of(scheduleKey(type)), millis(now), millis(hiddenUntil), Integer.toString(max));
  }

  @Override
  public Claim claim(String taskId, String leaseId, Instant now, Instant leaseEnds) {
    List<String> answer = redis.execute(CLAIM, List.of(tasks.taskKey(taskId)), leaseId, millis(now),
        millis(leaseEnds));
    return switch (answer.getFirst()) {
      case "LEASED" -> new Claim.Leased(Integer.parseInt(answer.get(1)), answer.get(2));
      case "HELD" -> new Claim.Held(Instant.ofEpochMilli(Long.parseLong(answer.get(1))));
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

  private static <T> RedisScript<T> script(String name, Class<T> resultType) {
    try (InputStream in = new ClassPathResource("redis/" + name + ".lua").getInputStream()) {
      return RedisScript.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), resultType);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Redis script " + name, e);
    }
  }
}
