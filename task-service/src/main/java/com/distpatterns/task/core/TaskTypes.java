package com.distpatterns.task.core;

import com.distpatterns.platform.outbound.OutboundUrlPolicy;
import com.distpatterns.platform.outbound.UrlNotAllowedException;
import com.distpatterns.platform.outbound.WebhookSecret;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task types users register, checked before they are stored, and looked up by every submission and delivery.
 * Lookups read a copy at most {@link #MAX_AGE} old, so a change made through any process is seen by all of them
 * within that (plus one Redis round trip), and a lookup costs no Redis call most of the time.
 */
public final class TaskTypes {

    /** A registration is visible to every process within this. */
    public static final Duration MAX_AGE = Duration.ofSeconds(1);
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    public static final long MAX_TIMEOUT_MS = 300_000;
    public static final int MAX_CONCURRENCY = 256;
    /** The longest delay queue the broker has (tasks.retry.max-delay caps the built-in levels at it too). */
    public static final long MAX_BACKOFF_MS = 60_000;

    /** A registration done: whether it created the type, and the type as stored. */
    public record Registration(boolean created, RegisteredType type) {}

    private record Snapshot(Map<String, RegisteredType> types, long loadedAt) {}

    private static final Logger log = LoggerFactory.getLogger(TaskTypes.class);

    private final TaskTypeStore store;
    private final OutboundUrlPolicy urlPolicy;
    private final TaskLimits limits;
    private final SecureRandom random;
    private final Clock clock;
    private volatile Snapshot snapshot;

    public TaskTypes(TaskTypeStore store, OutboundUrlPolicy urlPolicy, TaskLimits limits, SecureRandom random,
            Clock clock) {
        this.store = store;
        this.urlPolicy = urlPolicy;
        this.limits = limits;
        this.random = random;
        this.clock = clock;
    }

    public static boolean builtIn(String name) {
        return TaskSpec.TYPES.contains(name);
    }

    /**
     * Registers or updates a type; an update keeps the type's signing secret.
     *
     * @throws InvalidTaskException for a bad name, body or URL (nothing stored)
     * @throws TaskTypeConflictException for a built-in name
     */
    public Registration register(String name, TaskTypeChange change) {
        checkName(name);
        if (builtIn(name)) {
            throw new TaskTypeConflictException("'" + name + "' is a built-in task type; built-in types cannot be"
                    + " replaced. Register your type under another name.");
        }
        if (change == null) {
            throw new InvalidTaskException("A JSON body is required, at least {\"mode\":\"http\",\"url\":\"...\"}.");
        }
        TaskMode mode = mode(change.mode());
        URI url = switch (mode) {
            case HTTP -> {
                try {
                    yield urlPolicy.check(change.url());
                } catch (UrlNotAllowedException e) {
                    throw new InvalidTaskException(e.getMessage());
                }
            }
            case PULL -> {
                if (change.url() != null) {
                    throw new InvalidTaskException(
                            "'url' is only for mode 'http'; a 'pull' type's workers lease its tasks.");
                }
                yield null;
            }
        };
        long timeoutMs = bounded("timeoutMs", change.timeoutMs(), 30_000, 1, MAX_TIMEOUT_MS);
        Integer maxRetries = change.maxRetries() == null ? null
                : (int) bounded("maxRetries", change.maxRetries().longValue(), 0, 0, limits.maxRetries());
        int concurrency = (int) bounded("concurrency", change.concurrency() == null ? null
                : change.concurrency().longValue(), 16, 1, MAX_CONCURRENCY);
        RetryPolicy backoff = backoff(change.retryBackoff());

        Optional<RegisteredType> existing = Optional.ofNullable(fresh().get(name));
        Instant now = clock.instant();
        RegisteredType type = new RegisteredType(name, mode, url, Duration.ofMillis(timeoutMs), maxRetries, concurrency,
                backoff, existing.map(RegisteredType::secret).orElseGet(() -> WebhookSecret.generate(random)),
                existing.map(RegisteredType::createdAt).orElse(now), now);
        store.save(type);
        snapshot = null;
        log.info("task type {} type={} mode={} url={}", existing.isPresent() ? "updated" : "registered", name,
                mode.wire(), url);
        return new Registration(existing.isEmpty(), type);
    }

    /** @throws TaskNotFoundException when there is no such registered type */
    public void delete(String name) {
        if (builtIn(name)) {
            throw new TaskTypeConflictException(
                    "'" + name + "' is a built-in task type; built-in types cannot be deleted.");
        }
        if (name == null || !NAME.matcher(name).matches() || !store.delete(name)) {
            throw new TaskNotFoundException("No task type '" + name + "'.");
        }
        snapshot = null;
        log.info("task type deleted type={}; its queued tasks will end FAILURE", name);
    }

    /** Registered types, fresh from the store, by name. */
    public List<RegisteredType> registered() {
        return fresh().values().stream().sorted(Comparator.comparing(RegisteredType::name)).toList();
    }

    /** A registered type as of at most {@link #MAX_AGE} ago. */
    public Optional<RegisteredType> find(String name) {
        Snapshot current = snapshot;
        if (current == null || System.nanoTime() - current.loadedAt() > MAX_AGE.toNanos()) {
            current = reload();
        }
        return Optional.ofNullable(current.types().get(name));
    }

    /** A registered type as stored now (one Redis read): for a step that must not act on a type just deleted. */
    public Optional<RegisteredType> findNow(String name) {
        return Optional.ofNullable(fresh().get(name));
    }

    private Map<String, RegisteredType> fresh() {
        return reload().types();
    }

    private Snapshot reload() {
        Snapshot loaded = new Snapshot(store.all().stream()
                .collect(Collectors.toUnmodifiableMap(RegisteredType::name, Function.identity())), System.nanoTime());
        snapshot = loaded;
        return loaded;
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidTaskException("A task type name is 1 to 64 characters of a-z, 0-9, '_', '.', '-', starting"
                    + " with a letter or digit; '" + name + "' is not.");
        }
    }

    private static TaskMode mode(String mode) {
        if (mode == null) {
            throw new InvalidTaskException("'mode' is required: 'http' or 'pull'.");
        }
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "http" -> TaskMode.HTTP;
            case "pull" -> TaskMode.PULL;
            default -> throw new InvalidTaskException("'mode' must be 'http' or 'pull', not '" + mode + "'.");
        };
    }

    private static RetryPolicy backoff(TaskTypeChange.Backoff given) {
        TaskTypeChange.Backoff backoff = given == null ? new TaskTypeChange.Backoff(null, null, null) : given;
        long initial = bounded("retryBackoff.initialMs", backoff.initialMs(), 1_000, 1, MAX_BACKOFF_MS);
        long max = bounded("retryBackoff.maxMs", backoff.maxMs(), Math.max(initial, MAX_BACKOFF_MS), initial,
                MAX_BACKOFF_MS);
        double multiplier = backoff.multiplier() == null ? 2.0 : backoff.multiplier();
        if (!(multiplier >= 1.0 && multiplier <= 10.0)) {
            throw new InvalidTaskException("'retryBackoff.multiplier' must be from 1 to 10, not " + multiplier + ".");
        }
        return new RetryPolicy(Duration.ofMillis(initial), multiplier, Duration.ofMillis(max), 0.2);
    }

    private static long bounded(String field, Long value, long fallback, long min, long max) {
        long chosen = value == null ? fallback : value;
        if (chosen < min || chosen > max) {
            throw new InvalidTaskException(
                    "'" + field + "' must be from " + min + " to " + max + ", not " + chosen + ".");
        }
        return chosen;
    }
}
