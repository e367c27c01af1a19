package com.distpatterns.task.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/tasks}: checks the query and hands out opaque cursors. Each call examines at most
 * {@link #MAX_EXAMINED} index entries, so a filter that matches little answers a short (even empty) page with a
 * cursor to go on rather than reading on without bound.
 */
public final class TaskListing {

    /** A listed page: the tasks and the cursor of the next page ({@code null} at the end). */
    public record Listed(List<TaskView> tasks, String next) {}

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    public static final int MAX_EXAMINED = 1000;

    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern CURSOR = Pattern.compile("([0-9]{1,15}):(" + ID.pattern() + ")");
    private static final List<String> STATUSES = Arrays.stream(TaskStatus.values()).map(Enum::name).toList();

    private final TaskIndex index;

    public TaskListing(TaskIndex index) {
        this.index = index;
    }

    /**
     * The query parameters as the client sent them (each may be {@code null}).
     *
     * @throws InvalidTaskException for a bad status, type, batch id, limit or cursor
     */
    public Listed list(String status, String type, String batch, String limit, String cursor) {
        TaskIndex.Page page = index.page(new TaskIndex.Query(status(absent(status)), type(absent(type)),
                batch(absent(batch)), limit(absent(limit)), position(absent(cursor)), MAX_EXAMINED));
        return new Listed(page.tasks(), page.next() == null ? null : encode(page.next()));
    }

    /** {@code ?status=&type=}: an empty parameter is one not given. */
    private static String absent(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static TaskStatus status(String status) {
        if (status == null) {
            return null;
        }
        String upper = status.toUpperCase(Locale.ROOT);
        if (!STATUSES.contains(upper)) {
            throw new InvalidTaskException("'status' must be one of " + String.join(", ", STATUSES) + ", not '"
                    + status + "'.");
        }
        return TaskStatus.valueOf(upper);
    }

    private static String type(String type) {
        if (type != null && !TaskTypes.NAME.matcher(type).matches()) {
            throw new InvalidTaskException("'type' must be a task type name (" + TaskTypes.NAME.pattern() + ").");
        }
        return type;
    }

    private static String batch(String batch) {
        if (batch != null && !ID.matcher(batch).matches()) {
            throw new InvalidTaskException("'batch' must be a batch id as POST /api/batches gave it.");
        }
        return batch;
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below, as for a number out of range
        }
        throw new InvalidTaskException("'limit' must be an integer from 1 to " + MAX_LIMIT + ", not '" + limit + "'.");
    }

    private static TaskIndex.Position position(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            Matcher matcher = CURSOR.matcher(decoded);
            if (matcher.matches()) {
                return new TaskIndex.Position(Long.parseLong(matcher.group(1)), matcher.group(2));
            }
        } catch (IllegalArgumentException e) {
            // not base64: answered below
        }
        throw new InvalidTaskException("'cursor' must be a 'next' value a previous listing answered.");
    }

    private static String encode(TaskIndex.Position position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (position.createdAtMillis() + ":" + position.id()).getBytes(StandardCharsets.UTF_8));
    }
}
