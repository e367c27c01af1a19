package com.distpatterns.client;

import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import com.distpatterns.client.Transport.Response;
import java.lang.reflect.Type;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The key-value store of consensus-service (Raft): reads are linearizable unless asked otherwise, writes return
 * once a majority committed them. Values are JSON; {@code null} is not a value (it means "absent" in a
 * compare-and-set), so {@link #put} refuses it.
 */
public final class KvClient {

    /** How a read is served. */
    public enum Consistency {
        /** Sees every write that completed before the read began (the leader confirms its read index). */
        LINEARIZABLE,
        /** The answering node's own state: faster, possibly behind the leader. */
        LOCAL
    }

    /**
     * A key's current version.
     *
     * @param value the stored JSON
     * @param createRevision the store revision that created this generation of the key
     * @param modRevision the store revision of its last write (the token for {@link #putIf})
     * @param version puts since the key was created
     */
    public record Entry(String key, JsonNode value, long createRevision, long modRevision, long version) {}

    /**
     * The outcome of a compare-and-set.
     *
     * @param succeeded whether the value was what was expected (and is now the new one)
     * @param value the value after the call (the new one, or the one that did not match; a JSON null if absent)
     * @param modRevision its revision (0 when absent)
     */
    public record CasResult(boolean succeeded, JsonNode value, long modRevision) {}

    private record Cas(Object expected, Object value) {}

    private record Deleted(boolean deleted) {}

    private final Transport transport;

    KvClient(Transport transport) {
        this.transport = transport;
    }

    /** The key's entry, read linearizably; empty when absent. */
    public Optional<Entry> get(String key) {
        return get(key, Consistency.LINEARIZABLE);
    }

    public Optional<Entry> get(String key, Consistency consistency) {
        String query = consistency == Consistency.LOCAL ? "?consistency=local" : "";
        Response answer = transport.sendUninterruptibly(Call.get(path(key) + query));
        if (answer.is(404)) {
            return Optional.empty();
        }
        return Optional.of(transport.read(transport.expect(answer, 200), Entry.class));
    }

    /** The key's value as {@code type} (a class or any generic {@link Type}); empty when absent. */
    public <T> Optional<T> get(String key, Type type) {
        return get(key).map(entry -> transport.json().treeToValue(entry.value(), transport.json().constructType(type)));
    }

    /** Writes the value; returns the entry once committed. */
    public Entry put(String key, Object value) {
        return transport.read(transport.expect(write(key, value, ""), 200), Entry.class);
    }

    /**
     * Writes the value only if the key's {@code modRevision} is {@code modRevision} (0: only if absent).
     *
     * @return the new entry, or empty when the key had changed
     */
    public Optional<Entry> putIf(String key, Object value, long modRevision) {
        Response answer = write(key, value, "?ifModRevision=" + modRevision);
        if (answer.is(412)) {
            return Optional.empty();
        }
        return Optional.of(transport.read(transport.expect(answer, 200), Entry.class));
    }

    /** Deletes the key; whether it was there. */
    public boolean delete(String key) {
        Response answer = transport.sendUninterruptibly(new Call("DELETE", path(key), null, null, Repeat.SAFE));
        return transport.read(transport.expect(answer, 200), Deleted.class).deleted();
    }

    /**
     * Sets {@code value} if the current value equals {@code expected} as JSON ({@code null}: the key is absent),
     * atomically. Not retried once the call may have reached the store: an unknown outcome surfaces as a
     * {@link ProblemException.UnavailableException} (read the key to find out).
     */
    public CasResult compareAndSet(String key, Object expected, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("null is not a value (it means absent); use delete");
        }
        Response answer = transport
                .sendUninterruptibly(new Call("POST", path(key) + "/cas", new Cas(expected, value), null,
                        Repeat.ONLY_IF_NOT_SENT));
        return transport.read(transport.expect(answer, 200), CasResult.class);
    }

    private Response write(String key, Object value, String query) {
        if (value == null) {
            throw new IllegalArgumentException("null is not a value (it means absent); use delete");
        }
        // A put of the same value again is harmless; a conditional one must not be repeated blindly.
        Repeat repeat = query.isEmpty() ? Repeat.SAFE : Repeat.ONLY_IF_NOT_SENT;
        return transport.sendUninterruptibly(
                new Call("PUT", path(key) + query, transport.json().valueToTree(value), null, repeat));
    }

    private static String path(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a key is 1..512 bytes of UTF-8, was empty");
        }
        return "/api/kv/" + Transport.segment(key);
    }
}
