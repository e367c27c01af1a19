package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.Applied;
import com.distpatterns.consensus.core.Compare;
import com.distpatterns.consensus.core.KeyRead;
import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.OpResult;
import com.distpatterns.consensus.core.Outcome;
import com.distpatterns.consensus.core.RangeQuery;
import com.distpatterns.consensus.core.RangeRead;
import com.distpatterns.consensus.core.ReadConsistency;
import com.distpatterns.consensus.core.ReplicatedStore;
import com.distpatterns.consensus.core.TxnOp;
import com.distpatterns.consensus.infra.store.MvccStore;
import com.distpatterns.platform.service.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key-value calls themselves, each from its parameters as the client sent them to the JSON body of a 200; every
 * refusal is thrown ({@link ApiException} or the store's own exceptions, which {@link ConsensusProblems} maps). Two
 * front doors share it: {@link KvController} (Spring MVC, and the OpenAPI description) and {@link KvDirectPath}
 * (the same calls without the MVC dispatch, for the shapes that are nearly all of the traffic).
 *
 * <p>Threads: any request thread; it blocks on the driver's answer.
 */
final class KvCalls {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final ReplicatedStore store;
    private final JsonMapper mapper;
    private final JsonValues json;
    private final TxnRequests txns;
    private final Await await;

    KvCalls(ReplicatedStore store, JsonMapper mapper, Duration requestTimeout) {
        this.store = store;
        this.mapper = mapper;
        this.json = new JsonValues(mapper);
        this.txns = new TxnRequests(mapper);
        this.await = new Await(requestTimeout);
    }

    /** PUT /api/kv/{key}: a value replicated and applied, under ifModRevision when given. */
    byte[] put(String key, String ifModRevision, String lease, HttpServletRequest request) throws IOException {
        JsonValues.checkKey(key);
        Long condition = revisionParameter("ifModRevision", ifModRevision, 0);
        Long leaseId = revisionParameter("lease", lease, 1);
        long under = leaseId == null ? 0 : leaseId;
        byte[] value = json.readValue(request);
        if (condition == null) {
            Applied applied = await.result(store.write(new KvCommand.Put(key, value, under)));
            Outcome.Put put = (Outcome.Put) applied.outcome();
            return KvJson.object(mapper).keyFields(put.kv()).header(put.revision(), applied.raftTerm()).bytes();
        }
        Applied applied = conditional(key, condition, new TxnOp.Put(key, value, under));
        Outcome.Txn txn = (Outcome.Txn) applied.outcome();
        return KvJson.object(mapper).keyFields(((OpResult.Put) txn.results().getFirst()).kv())
                .header(txn.revision(), applied.raftTerm()).bytes();
    }

    /** GET /api/kv/{key}. */
    byte[] get(String key, String consistency, String revision) {
        JsonValues.checkKey(key);
        ReadConsistency mode = consistency(consistency);
        Long at = revisionParameter("revision", revision, 1);
        KeyRead read = await.result(store.get(key, at == null ? 0 : at, mode));
        KeyValue kv = read.kv().orElseThrow(() -> ApiException.notFound("key-not-found",
                "The key '" + key + "' is absent"
                        + (at == null ? ": never written, or deleted." : " at revision " + at + ".")));
        return KvJson.object(mapper).keyFields(kv).header(read.revision(), read.raftTerm()).bytes();
    }

    /** GET /api/kv: a page of a range. */
    byte[] range(String prefix, String from, String to, String limit, String cursor, String revision,
            String keysOnly, String countOnly, String consistency) {
        if (prefix != null && (from != null || to != null)) {
            throw ApiException.badRequest("invalid-range", "Give either prefix, or from and/or to; not both.");
        }
        byte[] start;
        byte[] end;
        if (prefix != null) {
            start = prefix.getBytes(StandardCharsets.UTF_8);
            end = start.length == 0 ? null : MvccStore.prefixEnd(start);
        } else {
            start = from == null ? new byte[0] : from.getBytes(StandardCharsets.UTF_8);
            end = to == null ? null : to.getBytes(StandardCharsets.UTF_8);
        }
        int pageLimit = DEFAULT_LIMIT;
        if (limit != null) {
            Long parsed = revisionParameter("limit", limit, 1);
            if (parsed > MAX_LIMIT) {
                throw ApiException.badRequest("invalid-limit", "limit is 1.." + MAX_LIMIT + ", not " + limit + ".");
            }
            pageLimit = parsed.intValue();
        }
        byte[] pageStart = start;
        if (cursor != null) {
            try {
                pageStart = Base64.getUrlDecoder().decode(cursor);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid-cursor",
                        "cursor is the 'next' of the previous page, as it was given.");
            }
            if (Arrays.compareUnsigned(pageStart, start) < 0
                    || (end != null && Arrays.compareUnsigned(pageStart, end) >= 0)) {
                throw ApiException.badRequest("invalid-cursor",
                        "The cursor lies outside the range asked; pass the same range "
                                + "with the 'next' of its previous page.");
            }
        }
        Long at = revisionParameter("revision", revision, 1);
        boolean onlyKeys = flag("keysOnly", keysOnly);
        boolean onlyCount = flag("countOnly", countOnly);
        RangeRead read = await.result(store.range(new RangeQuery(start, end, pageStart, at == null ? 0 : at, pageLimit,
                onlyKeys, onlyCount), consistency(consistency)));
        return KvJson.object(mapper).header(read.revision(), read.raftTerm()).page(read.range(), onlyKeys, onlyCount)
                .bytes();
    }

    /** DELETE /api/kv/{key}, under ifModRevision when given. */
    byte[] delete(String key, String ifModRevision) {
        JsonValues.checkKey(key);
        Long condition = revisionParameter("ifModRevision", ifModRevision, 0);
        if (condition == null) {
            Applied applied = await.result(store.write(new KvCommand.Delete(key)));
            Outcome.Deleted deleted = (Outcome.Deleted) applied.outcome();
            return KvJson.object(mapper).string("key", key).bool("deleted", deleted.deleted())
                    .number("revision", deleted.revision()).header(deleted.revision(), applied.raftTerm()).bytes();
        }
        Applied applied = conditional(key, condition, new TxnOp.Delete(key));
        Outcome.Txn txn = (Outcome.Txn) applied.outcome();
        boolean deleted = ((OpResult.Deleted) txn.results().getFirst()).deleted() > 0;
        return KvJson.object(mapper).string("key", key).bool("deleted", deleted).number("revision", txn.revision())
                .header(txn.revision(), applied.raftTerm()).bytes();
    }

    /** POST /api/kv/{key}/cas. */
    byte[] compareAndSet(String key, HttpServletRequest request) throws IOException {
        JsonValues.checkKey(key);
        JsonValues.CasRequest cas = json.readCas(request);
        Applied applied = await.result(store.write(new KvCommand.CompareAndSet(key, cas.expected(), cas.value())));
        Outcome.Swapped swapped = (Outcome.Swapped) applied.outcome();
        KvJson body = KvJson.object(mapper).string("key", key).bool("succeeded", swapped.succeeded());
        KeyValue current = swapped.current();
        if (current == null) {
            body.raw("value", null).number("revision", 0).number("createRevision", 0).number("modRevision", 0)
                    .number("version", 0);
        } else {
            body.raw("value", current.value()).number("revision", current.modRevision())
                    .number("createRevision", current.createRevision()).number("modRevision", current.modRevision())
                    .number("version", current.version());
        }
        return body.header(swapped.revision(), applied.raftTerm()).bytes();
    }

    /** POST /api/txn. */
    byte[] txn(HttpServletRequest request) throws IOException {
        KvCommand.Txn txn = txns.read(request);
        Applied applied = await.result(store.write(txn));
        Outcome.Txn done = (Outcome.Txn) applied.outcome();
        return KvJson.object(mapper).header(done.revision(), applied.raftTerm()).bool("succeeded", done.succeeded())
                .results("results", done.results()).bytes();
    }

    /** POST /api/kv/compact. */
    byte[] compact(HttpServletRequest request) throws IOException {
        long revision = txns.readCompact(request);
        long[] now = store.revisions();
        if (revision <= now[1]) {
            throw new ApiException(HttpStatus.GONE, "revision-compacted",
                    "The history is compacted to revision " + now[1]
                            + " already; compact to a later revision.",
                    null, Map.of("compactedRevision", now[1]));
        }
        Applied applied = await.result(store.write(new KvCommand.Compact(revision)));
        Outcome.Compacted done = (Outcome.Compacted) applied.outcome();
        if (done.compactedRevision() < revision) {
            // Decided where it was applied, on the revision there: past the store's, or behind its compaction.
            throw revision > done.revision() ? ApiException.badRequest("future-revision", "Revision " + revision
                    + " is in the future: the store is at revision " + done.revision() + ".")
                    : new ApiException(HttpStatus.GONE, "revision-compacted", "The history is compacted to revision "
                            + done.compactedRevision() + " already.", null,
                            Map.of("compactedRevision", done.compactedRevision()));
        }
        return KvJson.object(mapper).header(done.revision(), applied.raftTerm())
                .number("compactedRevision", done.compactedRevision()).bytes();
    }

    /** A single-key write under {@code modRevision == condition}; 412 with the key's view when it does not hold. */
    private Applied conditional(String key, long condition, TxnOp op) {
        KvCommand.Txn txn = new KvCommand.Txn(
                List.of(new Compare(key, Compare.Target.MOD_REVISION, Compare.Op.EQUAL, null, condition)),
                List.of(op), List.of(new TxnOp.Get(key)));
        Applied applied = await.result(store.write(txn));
        Outcome.Txn done = (Outcome.Txn) applied.outcome();
        if (!done.succeeded()) {
            KeyValue current = ((OpResult.Get) done.results().getFirst()).kv();
            throw new ApiException(HttpStatus.PRECONDITION_FAILED, "modrevision-mismatch", "The key '" + key + "' has "
                    + (current == null ? "no value (modRevision 0)" : "modRevision " + current.modRevision())
                    + ", not " + condition + ": it changed since you read it. Read it again and retry.", null,
                    current == null ? Map.of("revision", done.revision())
                            : Map.of("revision", done.revision(),
                                    "current", mapper.readTree(KvJson.view(mapper, current, false))));
        }
        return applied;
    }

    private static ReadConsistency consistency(String consistency) {
        if (consistency == null || consistency.equalsIgnoreCase("linearizable")) {
            return ReadConsistency.LINEARIZABLE;
        }
        if (consistency.equalsIgnoreCase("local")) {
            return ReadConsistency.LOCAL;
        }
        throw ApiException.badRequest("invalid-consistency",
                "consistency is 'linearizable' (the default) or 'local', not '" + consistency + "'.");
    }

    /** A whole number parameter at least {@code min}, or null when absent. */
    private static Long revisionParameter(String name, String text, long min) {
        if (text == null) {
            return null;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("invalid-" + name.toLowerCase(), name + " is a whole number of at least " + min
                + ", not '" + text + "'.");
    }

    private static boolean flag(String name, String text) {
        if (text == null || text.equalsIgnoreCase("false")) {
            return false;
        }
        if (text.equalsIgnoreCase("true") || text.isEmpty()) {
            return true;
        }
        throw ApiException.badRequest("invalid-" + name.toLowerCase(), name + " is true or false, not '" + text + "'.");
    }
}
