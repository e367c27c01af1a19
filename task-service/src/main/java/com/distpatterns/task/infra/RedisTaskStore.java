package com.distpatterns.task.infra;

import com.distpatterns.platform.redis.LuaScripts;
import com.distpatterns.platform.redis.ScriptReply;
import com.distpatterns.task.core.BatchView;
import com.distpatterns.task.core.Claim;
import com.distpatterns.task.core.NewTask;
import com.distpatterns.task.core.RevokeOutcome;
import com.distpatterns.task.core.TaskIndex;
import com.distpatterns.task.core.TaskStatus;
import com.distpatterns.task.core.TaskStore;
import com.distpatterns.task.core.TaskView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.data.redis.connection.zset.Tuple;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Task state in Redis: one hash per task ({@code <prefix>:task:{<id>}}), an idempotency key per submission that
 * gave one ({@code <prefix>:idem:<key>} -> task id), and per batch a hash of counters
 * ({@code <prefix>:batch:{<id>}}) with the list of its chunk tasks ({@code ...:tasks}) and the chunks already
 * counted ({@code ...:counted}). Everything expires after the result TTL. Each state transition is one Lua script,
 * so it is atomic and conditional on the state it expects.
 *
 * <p>Every script touches one hash tag only, so the same code runs on one Redis and on Redis Cluster: a task's
 * scripts its {@code {<id>}}, a batch's its {@code {<batch id>}}. What spans two (a submission and its idempotency
 * key, a chunk and its batch) is done in steps that are safe to repeat.
 *
 * <p>Listing reads indexes, zsets of task id -> createdAt: all tasks ({@code <prefix>:index}), per type
 * ({@code <prefix>:index:type:{<type>}}) and per batch ({@code <prefix>:batch:{<id>}:index}). A task enters them
 * once its hash exists and holds its id (idempotent ZADDs, after the idempotency step), so an entry whose hash is
 * missing names a task that expired or was discarded, and is skipped and removed. Writes also trim entries older
 * than the result TTL and renew the index's expiry, so it expires when nothing is written: a batch's index on its
 * one write, the all-tasks and per-type indexes, written by every submission, at most once a second per process
 * (trimming on every submission cost the API twice as much as the task's own create script, docs/benchmarks.md).
 */
public final class RedisTaskStore implements TaskStore, TaskIndex {

    private static final RedisScript<Long> CREATE = LuaScripts.load("create", Long.class);
    private static final RedisScript<String> IDEMPOTENCY = LuaScripts.load("idempotency", String.class);
    private static final RedisScript<Long> RELEASE = LuaScripts.load("release", Long.class);
    private static final RedisScript<Long> COUNT = LuaScripts.load("count", Long.class);
    private static final RedisScript<Long> QUEUED = LuaScripts.load("queued", Long.class);
    private static final RedisScript<String> CLAIM = LuaScripts.load("claim", String.class);
    private static final RedisScript<Long> RETRY = LuaScripts.load("retry", Long.class);
    private static final RedisScript<List<Object>> FINISH = LuaScripts.loadList("finish");
    private static final RedisScript<String> REVOKE = LuaScripts.load("revoke", String.class);
    private static final RedisScript<List<Object>> INDEX_PAGE = LuaScripts.loadList("index-page");
    /** Trimming by age lags the hashes' expiry by this, so clocks a little apart never drop a live task's entry. */
    private static final Duration TRIM_MARGIN = Duration.ofMinutes(1);

    private static final long TRIM_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Duration ttl;
    /** When this process last trimmed each all-tasks or per-type index, by key (System.nanoTime). */
    private final Map<String, Long> lastTrimmed = new ConcurrentHashMap<>();

    public RedisTaskStore(StringRedisTemplate redis, String prefix, Duration ttl) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttl = ttl;
    }

    @Override
    public String create(NewTask task, Optional<String> idempotencyKey) {
        String key = taskKey(task.id());
        redis.execute(CREATE, List.of(key), task.type(), millis(task.createdAt()), ttlSeconds(),
                nullToEmpty(task.batchId()), task.chunk() == null ? "" : task.chunk().toString());
        if (idempotencyKey.isEmpty()) {
            indexOrDiscard(task, idempotencyKey);
            return task.id();
        }
        // The task's hash exists before the key names it, so a key naming a task without a hash names a dead one
        // (discarded, or expired first): taking it over is safe.
        List<String> keys = List.of(idempotencyKey(idempotencyKey.get()));
        String dead = "";
        while (true) {
            String owner = redis.execute(IDEMPOTENCY, keys, task.id(), ttlSeconds(), dead);
            if (task.id().equals(owner)) {
                indexOrDiscard(task, idempotencyKey);
                return owner;
            }
            if (Boolean.TRUE.equals(redis.hasKey(taskKey(owner)))) {
                redis.delete(key);
                return owner;
            }
            dead = owner;
        }
    }

    @Override
    public void discard(String taskId, Optional<String> idempotencyKey) {
        String type = redis.<String, String>opsForHash().get(taskKey(taskId), "type");
        redis.delete(taskKey(taskId));
        unindex(type, List.of(taskId));
        idempotencyKey.ifPresent(key -> redis.execute(RELEASE, List.of(idempotencyKey(key)), taskId));
    }

    @Override
    public void markQueued(String taskId) {
        redis.execute(QUEUED, List.of(taskKey(taskId)));
    }

    @Override
    public Optional<Boolean> queued(String taskId) {
        List<String> fields = redis.<String, String>opsForHash().multiGet(taskKey(taskId), List.of("status", "queued"));
        if (fields.get(0) == null) {
            return Optional.empty();
        }
        return Optional.of("1".equals(fields.get(1)) || !TaskStatus.PENDING.name().equals(fields.get(0)));
    }

    @Override
    public void createBatch(String batchId, List<NewTask> chunks, Instant createdAt) {
        long ttlSeconds = ttl.toSeconds();
        redis.executePipelined((RedisCallback<Object>) connection -> {
            byte[] batchKey = bytes(batchKey(batchId));
            connection.hashCommands().hMSet(batchKey, encode(Map.of("total", Integer.toString(chunks.size()),
                    "succeeded", "0", "failed", "0", "createdAt", millis(createdAt))));
            connection.keyCommands().expire(batchKey, ttlSeconds);
            byte[] listKey = bytes(batchTasksKey(batchId));
            for (int from = 0; from < chunks.size(); from += 1000) {
                connection.listCommands().rPush(listKey,
                        chunks.subList(from, Math.min(chunks.size(), from + 1000)).stream()
                                .map(task -> bytes(task.id())).toArray(byte[][]::new));
            }
            connection.keyCommands().expire(listKey, ttlSeconds);
            for (NewTask task : chunks) {
                byte[] key = bytes(taskKey(task.id()));
                connection.hashCommands().hMSet(key, encode(Map.of(
                        "status", TaskStatus.PENDING.name(),
                        "type", task.type(),
                        "attempts", "0",
                        "try", "0",
                        "createdAt", millis(task.createdAt()),
                        "updatedAt", millis(task.createdAt()),
                        "batch", batchId,
                        "chunk", task.chunk().toString())));
                connection.keyCommands().expire(key, ttlSeconds);
            }
            return null;
        });
        try {
            index(chunks);
        } catch (RuntimeException e) {
            discardIndexed(() -> discardBatch(batchId, chunks.stream().map(NewTask::id).toList()), e);
            throw e;
        }
    }

    /** A task that cannot be listed is not accepted: it is forgotten, and its idempotency key freed, as after a nack. */
    private void indexOrDiscard(NewTask task, Optional<String> idempotencyKey) {
        try {
            index(List.of(task));
        } catch (RuntimeException e) {
            discardIndexed(() -> discard(task.id(), idempotencyKey), e);
            throw e;
        }
    }

    private static void discardIndexed(Runnable discard, RuntimeException cause) {
        try {
            discard.run();
        } catch (RuntimeException e) {
            // Redis is failing: the hash expires with its TTL, and a key naming a task without a hash is taken over.
            cause.addSuppressed(e);
        }
    }

    /**
     * Whether this process should trim an index written by every submission now: not within a second of its last
     * trim. Of callers racing for the same second one wins; a trim skipped only waits for the next second.
     */
    private boolean trimDue(String indexKey) {
        long now = System.nanoTime();
        Long last = lastTrimmed.get(indexKey);
        if (last == null) {
            return lastTrimmed.putIfAbsent(indexKey, now) == null;
        }
        return now - last >= TRIM_EVERY_NANOS && lastTrimmed.replace(indexKey, last, now);
    }

    /** The second step of recording tasks (their hashes exist): their entries in every index that lists them. */
    private void index(List<NewTask> tasks) {
        long keepSeconds = ttl.plus(TRIM_MARGIN).toSeconds();
        redis.executePipelined((RedisCallback<Object>) connection -> {
            Map<String, List<NewTask>> byIndex = new LinkedHashMap<>();
            Set<String> shared = new HashSet<>();
            for (NewTask task : tasks) {
                byIndex.computeIfAbsent(indexKey(), k -> new ArrayList<>()).add(task);
                byIndex.computeIfAbsent(typeIndexKey(task.type()), k -> new ArrayList<>()).add(task);
                shared.add(indexKey());
                shared.add(typeIndexKey(task.type()));
                if (task.batchId() != null) {
                    byIndex.computeIfAbsent(batchIndexKey(task.batchId()), k -> new ArrayList<>()).add(task);
                }
            }
            long newest = tasks.stream().mapToLong(task -> task.createdAt().toEpochMilli()).max().orElse(0);
            byIndex.forEach((indexKey, members) -> {
                byte[] key = bytes(indexKey);
                for (int from = 0; from < members.size(); from += 1000) {
                    Set<Tuple> tuples = new HashSet<>();
                    for (NewTask task : members.subList(from, Math.min(members.size(), from + 1000))) {
                        tuples.add(Tuple.of(bytes(task.id()),
                                (double) task.createdAt().toEpochMilli()));
                    }
                    connection.zSetCommands().zAdd(key, tuples);
                }
                if (shared.contains(indexKey) && !trimDue(indexKey)) {
                    return;
                }
                connection.zSetCommands().zRemRangeByScore(key, Double.NEGATIVE_INFINITY,
                        (double) (newest - ttl.plus(TRIM_MARGIN).toMillis()));
                connection.keyCommands().expire(key, keepSeconds);
            });
            return null;
        });
    }

    /**
     * Takes discarded tasks out of the indexes of all tasks and of their type (a batch's own index goes with the
     * batch). After the hashes are gone: a listing between the two steps skips the entries, as it does expired ones.
     */
    private void unindex(String type, List<String> taskIds) {
        redis.executePipelined((RedisCallback<Object>) connection -> {
            for (int from = 0; from < taskIds.size(); from += 1000) {
                byte[][] members = taskIds.subList(from, Math.min(taskIds.size(), from + 1000)).stream()
                        .map(RedisTaskStore::bytes).toArray(byte[][]::new);
                connection.zSetCommands().zRem(bytes(indexKey()), members);
                if (type != null) {
                    connection.zSetCommands().zRem(bytes(typeIndexKey(type)), members);
                }
            }
            return null;
        });
    }

    @Override
    public Page page(Query query) {
        String key = query.batchId() != null ? batchIndexKey(query.batchId())
                : query.type() != null ? typeIndexKey(query.type()) : indexKey();
        List<TaskView> found = new ArrayList<>();
        Position at = query.after();
        int examined = 0;
        boolean more = true;
        boolean filtered = query.status() != null || (query.batchId() != null && query.type() != null);
        while (found.size() < query.limit() && examined < query.maxExamined() && more) {
            // Filtered, most entries may not match: read ahead in larger steps, within the bound all the same.
            int wanted = query.limit() - found.size();
            int count = Math.min(query.maxExamined() - examined, filtered ? Math.max(wanted, 100) : wanted);
            ScriptReply page = ScriptReply.of(redis.execute(INDEX_PAGE, List.of(key),
                    at == null ? "" : Long.toString(at.createdAtMillis()), at == null ? "" : at.id(),
                    Integer.toString(count)));
            more = "1".equals(page.text("more"));
            // ZREVRANGE ... WITHSCORES: id, score, id, score, ...
            List<?> flat = page.list("entries");
            List<Position> entries = new ArrayList<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                entries.add(
                        new Position((long) Double.parseDouble(flat.get(i + 1).toString()), flat.get(i).toString()));
            }
            List<Object> hashes = redis.executePipelined((RedisCallback<Object>) connection -> {
                for (Position entry : entries) {
                    connection.hashCommands().hGetAll(bytes(taskKey(entry.id())));
                }
                return null;
            });
            List<String> gone = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                Position entry = entries.get(i);
                examined++;
                at = entry;
                Map<String, String> fields = strings(hashes.get(i));
                if (fields.get("status") == null) {
                    gone.add(entry.id());
                } else {
                    TaskView task = view(entry.id(), fields);
                    if ((query.status() == null || task.status() == query.status())
                            && (query.type() == null || query.type().equals(task.type()))) {
                        found.add(task);
                        if (found.size() == query.limit()) {
                            more = more || i + 1 < entries.size();
                            break;
                        }
                    }
                }
            }
            if (!gone.isEmpty()) {
                redis.opsForZSet().remove(key, gone.toArray());
            }
        }
        return new Page(found, more ? at : null);
    }

    @Override
    public void discardBatch(String batchId, List<String> taskIds) {
        String type = taskIds.isEmpty() ? null
                : redis.<String, String>opsForHash().get(taskKey(taskIds.getFirst()), "type");
        redis.executePipelined((RedisCallback<Object>) connection -> {
            connection.keyCommands().del(bytes(batchKey(batchId)), bytes(batchTasksKey(batchId)),
                    bytes(batchCountedKey(batchId)), bytes(batchIndexKey(batchId)));
            for (String id : taskIds) {
                connection.keyCommands().del(bytes(taskKey(id)));
            }
            return null;
        });
        unindex(type, taskIds);
    }

    @Override
    public Optional<TaskView> find(String taskId) {
        Map<String, String> fields = redis.<String, String>opsForHash().entries(taskKey(taskId));
        return fields.isEmpty() ? Optional.empty() : Optional.of(view(taskId, fields));
    }

    @Override
    public Optional<BatchView> findBatch(String batchId) {
        Map<String, String> fields = redis.<String, String>opsForHash().entries(batchKey(batchId));
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        int total = integer(fields.get("total"));
        int succeeded = integer(fields.get("succeeded"));
        int failed = integer(fields.get("failed"));
        BatchView progress = new BatchView(batchId, total, succeeded, failed, null);
        if (!progress.finished()) {
            return Optional.of(progress);
        }
        List<String> ids = redis.opsForList().range(batchTasksKey(batchId), 0, -1);
        byte[] resultField = bytes("result");
        List<Object> results = redis.executePipelined((RedisCallback<Object>) connection -> {
            for (String id : ids) {
                connection.hashCommands().hGet(bytes(taskKey(id)), resultField);
            }
            return null;
        });
        List<String> ordered = results.stream().map(result -> result == null ? null : result.toString()).toList();
        return Optional.of(new BatchView(batchId, total, succeeded, failed, ordered));
    }

    @Override
    public Claim claim(String taskId, int attempt, Instant now) {
        return Claim.valueOf(redis.execute(CLAIM, List.of(taskKey(taskId)), Integer.toString(attempt), millis(now)));
    }

    @Override
    public boolean recordRetry(String taskId, int attempt, String error, Instant now, Duration delay) {
        Long applied = redis.execute(RETRY, List.of(taskKey(taskId)), Integer.toString(attempt), millis(now), error,
                millis(now.plus(delay)));
        return applied != null && applied == 1;
    }

    @Override
    public Optional<TaskView> recordSuccess(String taskId, int attempt, String resultJson,
            Instant now) {
        return finish(taskId, TaskStatus.SUCCESS, attempt, resultJson, now);
    }

    @Override
    public Optional<TaskView> recordFailure(String taskId, int attempt, String error, Instant now) {
        return finish(taskId, TaskStatus.FAILURE, attempt, error, now);
    }

    @Override
    public RevokeOutcome revoke(String taskId, Instant now) {
        String key = taskKey(taskId);
        // The batch and chunk of a task never change, so reading them first is safe.
        List<String> chunk = redis.<String, String>opsForHash().multiGet(key, List.of("batch", "chunk"));
        String answer = redis.execute(REVOKE, List.of(key), millis(now));
        if (chunk.get(0) != null && ("NOW_REVOKED".equals(answer) || "REVOKED".equals(answer))) {
            // Again when revoked before: the first revocation may have stopped between its two steps.
            count(chunk.get(0), chunk.get(1), TaskStatus.REVOKED);
        }
        return switch (answer) {
            case "NOW_REVOKED" -> RevokeOutcome.REVOKED;
            case "NOT_FOUND" -> RevokeOutcome.NOT_FOUND;
            case "REVOKED" -> RevokeOutcome.ALREADY_REVOKED;
            case "STARTED" -> RevokeOutcome.ALREADY_STARTED;
            default -> RevokeOutcome.ALREADY_FINISHED;
        };
    }

    @Override
    public void countInBatch(String taskId) {
        List<String> fields = redis.<String, String>opsForHash().multiGet(taskKey(taskId),
                List.of("status", "batch", "chunk"));
        if (fields.get(0) != null && fields.get(1) != null) {
            TaskStatus status = TaskStatus.valueOf(fields.get(0));
            if (status == TaskStatus.SUCCESS || status == TaskStatus.FAILURE || status == TaskStatus.REVOKED) {
                count(fields.get(1), fields.get(2), status);
            }
        }
    }

    private Optional<TaskView> finish(String taskId, TaskStatus status, int attempt, String payload, Instant now) {
        List<Object> flat = redis.execute(FINISH, List.of(taskKey(taskId)), status.name(), Integer.toString(attempt),
                millis(now), payload);
        if (flat == null || flat.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
        }
        if (fields.get("batch") != null) {
            count(fields.get("batch"), fields.get("chunk"), status);
        }
        return Optional.of(view(taskId, fields));
    }

    /** The second step of finishing or revoking a chunk, in its batch's slot; counts each chunk once. */
    private void count(String batchId, String chunk, TaskStatus status) {
        redis.execute(COUNT, List.of(batchKey(batchId), batchCountedKey(batchId)), chunk,
                status == TaskStatus.SUCCESS ? "succeeded" : "failed");
    }

    /** The Redis key of a task's hash; tests and operators find tasks by it. */
    public String taskKey(String taskId) {
        return prefix + ":task:{" + taskId + "}";
    }

    private String indexKey() {
        return prefix + ":index";
    }

    private String typeIndexKey(String type) {
        return prefix + ":index:type:{" + type + "}";
    }

    private String batchIndexKey(String batchId) {
        return batchKey(batchId) + ":index";
    }

    private String idempotencyKey(String key) {
        return prefix + ":idem:" + key;
    }

    private String batchKey(String batchId) {
        return prefix + ":batch:{" + batchId + "}";
    }

    private String batchTasksKey(String batchId) {
        return batchKey(batchId) + ":tasks";
    }

    private String batchCountedKey(String batchId) {
        return batchKey(batchId) + ":counted";
    }

    private String ttlSeconds() {
        return Long.toString(Math.max(1, ttl.toSeconds()));
    }

    private static TaskView view(String id, Map<String, String> fields) {
        return new TaskView(id, fields.get("type"), TaskStatus.valueOf(fields.get("status")),
                integer(fields.get("attempts")), fields.get("result"), fields.get("error"),
                instant(fields.get("createdAt")),
                instant(fields.get("updatedAt")), fields.get("batch"));
    }

    private static Map<String, String> strings(Object hash) {
        Map<String, String> fields = new HashMap<>();
        if (hash instanceof Map<?, ?> map) {
            map.forEach((field, value) -> fields.put(text(field), text(value)));
        }
        return fields;
    }

    private static String text(Object value) {
        return value instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : value.toString();
    }

    private static int integer(String value) {
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static Instant instant(String epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(Long.parseLong(epochMillis));
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<byte[], byte[]> encode(Map<String, String> fields) {
        Map<byte[], byte[]> encoded = new HashMap<>();
        fields.forEach((field, value) -> encoded.put(bytes(field), bytes(value)));
        return encoded;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
