package com.distpatterns.consensus.api;

import com.distpatterns.consensus.config.ConsensusProperties;
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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The replicated key-value store, etcd's data model: every node serves every call; followers forward writes to
 * the leader. Every answer carries {@code header: {revision, raftTerm}}.
 */
@RestController
@Tag(name = "kv", description = "A linearizable key-value store replicated by Raft: revisions, ranges, transactions")
class KvController {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final ReplicatedStore store;
    private final JsonMapper mapper;
    private final JsonValues json;
    private final TxnRequests txns;
    private final Await await;

    KvController(ReplicatedStore store, JsonMapper mapper, ConsensusProperties properties) {
        this.store = store;
        this.mapper = mapper;
        this.json = new JsonValues(mapper);
        this.txns = new TxnRequests(mapper);
        this.await = new Await(properties.requestTimeout());
    }

    @PutMapping(path = "/api/kv/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Replicate and apply a value (any JSON but null, at most 1 MiB), kept byte for byte; "
            + "with ifModRevision only if the key's modRevision is that (0: only if absent)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json",
                            schema = @Schema(description = "any JSON value"))))
    @ApiResponse(responseCode = "200",
            description = "committed by a majority and applied: {key, value, revision, createRevision, modRevision, version, header}")
    @ApiResponse(responseCode = "400",
            description = "a key over 512 bytes, a body that is not JSON, a bad ifModRevision or lease")
    @ApiResponse(responseCode = "404",
            description = "the lease does not exist (never granted, revoked or expired): nothing written")
    @ApiResponse(responseCode = "412", description = "ifModRevision did not hold: the body's current is the key now")
    @ApiResponse(responseCode = "413", description = "a value over 1 MiB")
    @ApiResponse(responseCode = "503", description = "no leader, or not committed in time (Retry-After)")
    @ApiResponse(responseCode = "507", description = "the store is at its quota: delete or compact")
    ResponseEntity<byte[]> put(@PathVariable String key,
            @Parameter(description = "write only if the key's modRevision is this (0: only if absent)") @RequestParam(
                    required = false) String ifModRevision,
            @Parameter(description = "the lease the key lives under (deleted with it); absent: none") @RequestParam(
                    required = false) String lease,
            HttpServletRequest request) throws IOException {
        JsonValues.checkKey(key);
        Long condition = revisionParameter("ifModRevision", ifModRevision, 0);
        Long leaseId = revisionParameter("lease", lease, 1);
        long under = leaseId == null ? 0 : leaseId;
        byte[] value = json.readValue(request);
        if (condition == null) {
            Applied applied = await.result(store.write(new KvCommand.Put(key, value, under)));
            Outcome.Put put = (Outcome.Put) applied.outcome();
            return ok(KvJson.object(mapper).keyFields(put.kv()).header(put.revision(), applied.raftTerm()).bytes());
        }
        Applied applied = conditional(key, condition, new TxnOp.Put(key, value, under));
        Outcome.Txn txn = (Outcome.Txn) applied.outcome();
        return ok(KvJson.object(mapper).keyFields(((OpResult.Put) txn.results().getFirst()).kv())
                .header(txn.revision(), applied.raftTerm()).bytes());
    }

    @GetMapping(path = "/api/kv/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Read a key: linearizable by default, or this node's own state with consistency=local; "
            + "revision reads it as it was then")
    @ApiResponse(responseCode = "200",
            description = "{key, value, revision, createRevision, modRevision, version, header}")
    @ApiResponse(responseCode = "404", description = "the key is absent (at that revision)")
    @ApiResponse(responseCode = "410", description = "that revision is compacted: compactedRevision in the body")
    ResponseEntity<byte[]> get(@PathVariable String key,
            @Parameter(description = "linearizable (default) or local") @RequestParam(
                    required = false) String consistency,
            @Parameter(description = "read the key as of this store revision") @RequestParam(
                    required = false) String revision) {
        JsonValues.checkKey(key);
        ReadConsistency mode = consistency(consistency);
        Long at = revisionParameter("revision", revision, 1);
        KeyRead read = await.result(store.get(key, at == null ? 0 : at, mode));
        KeyValue kv = read.kv().orElseThrow(() -> ApiException.notFound("key-not-found",
                "The key '" + key + "' is absent"
                        + (at == null ? ": never written, or deleted." : " at revision " + at + ".")));
        return ok(KvJson.object(mapper).keyFields(kv).header(read.revision(), read.raftTerm()).bytes());
    }

    @GetMapping(path = "/api/kv", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A range of keys, sorted bytewise: by prefix, or from/to (to exclusive); paginated with limit "
            + "and cursor; at a past revision with revision (a walk with revision fixed sees one snapshot)")
    @ApiResponse(responseCode = "200",
            description = "{header, kvs: [{key, value, createRevision, modRevision, version}], count, more, next}")
    @ApiResponse(responseCode = "400",
            description = "prefix with from/to, limit outside 1..1000, a bad cursor, a future revision")
    @ApiResponse(responseCode = "410", description = "that revision is compacted: compactedRevision in the body")
    ResponseEntity<byte[]> range(@RequestParam(required = false) String prefix,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) String revision,
            @RequestParam(required = false) String keysOnly, @RequestParam(required = false) String countOnly,
            @RequestParam(required = false) String consistency) {
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
        return ok(KvJson.object(mapper).header(read.revision(), read.raftTerm()).page(read.range(), onlyKeys, onlyCount)
                .bytes());
    }

    @DeleteMapping(path = "/api/kv/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Replicate a delete; with ifModRevision only if the key's modRevision is that")
    @ApiResponse(responseCode = "200", description = "{key, deleted: whether it existed, revision, header}")
    @ApiResponse(responseCode = "412", description = "ifModRevision did not hold: the body's current is the key now")
    ResponseEntity<byte[]> delete(@PathVariable String key, @RequestParam(required = false) String ifModRevision) {
        JsonValues.checkKey(key);
        Long condition = revisionParameter("ifModRevision", ifModRevision, 0);
        if (condition == null) {
            Applied applied = await.result(store.write(new KvCommand.Delete(key)));
            Outcome.Deleted deleted = (Outcome.Deleted) applied.outcome();
            return ok(KvJson.object(mapper).string("key", key).bool("deleted", deleted.deleted())
                    .number("revision", deleted.revision()).header(deleted.revision(), applied.raftTerm()).bytes());
        }
        Applied applied = conditional(key, condition, new TxnOp.Delete(key));
        Outcome.Txn txn = (Outcome.Txn) applied.outcome();
        boolean deleted = ((OpResult.Deleted) txn.results().getFirst()).deleted() > 0;
        return ok(KvJson.object(mapper).string("key", key).bool("deleted", deleted).number("revision", txn.revision())
                .header(txn.revision(), applied.raftTerm()).bytes());
    }

    @PostMapping(path = "/api/kv/{key}/cas", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Compare-and-set, atomically: store value if the key holds expected (null: is absent)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json",
                            schema = @Schema(example = "{\"expected\": null, \"value\": {\"owner\": \"a\"}}"))))
    @ApiResponse(responseCode = "200",
            description = "{key, succeeded, value: current after, revision, createRevision, modRevision, version, header}")
    @ApiResponse(responseCode = "400", description = "no value or expected, or not JSON")
    ResponseEntity<byte[]> compareAndSet(@PathVariable String key, HttpServletRequest request) throws IOException {
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
        return ok(body.header(swapped.revision(), applied.raftTerm()).bytes());
    }

    @PostMapping(path = "/api/txn", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "A transaction: if every compare holds, the success ops, else the failure ops; all at one revision",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json",
                            schema = @Schema(example = "{\"compare\":[{\"key\":\"a\","
                                    + "\"target\":\"version\",\"op\":\"=\",\"value\":0}],\"success\":[{\"put\":{\"key\":\"a\",\"value\":1}}],"
                                    + "\"failure\":[{\"get\":{\"key\":\"a\"}}]}"))))
    @ApiResponse(responseCode = "200", description = "{header, succeeded, results: one per op of the branch applied}")
    @ApiResponse(responseCode = "400",
            description = "a malformed transaction, over 128 ops or 64 compares, a key written twice in a branch")
    ResponseEntity<byte[]> txn(HttpServletRequest request) throws IOException {
        KvCommand.Txn txn = txns.read(request);
        Applied applied = await.result(store.write(txn));
        Outcome.Txn done = (Outcome.Txn) applied.outcome();
        return ok(KvJson.object(mapper).header(done.revision(), applied.raftTerm()).bool("succeeded", done.succeeded())
                .results("results", done.results()).bytes());
    }

    @PostMapping(path = "/api/kv/compact", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Drop the history before a revision (admin); reads before it then answer 410",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json",
                            schema = @Schema(example = "{\"revision\": 100}"))))
    @ApiResponse(responseCode = "200", description = "{header, compactedRevision}")
    @ApiResponse(responseCode = "400", description = "no revision, or one in the future")
    @ApiResponse(responseCode = "410", description = "already compacted at or past it")
    ResponseEntity<byte[]> compact(HttpServletRequest request) throws IOException {
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
        return ok(KvJson.object(mapper).header(done.revision(), applied.raftTerm())
                .number("compactedRevision", done.compactedRevision()).bytes());
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

    private static ResponseEntity<byte[]> ok(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
