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

    private final KvCalls calls;

    KvController(KvCalls calls) {
        this.calls = calls;
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
        return ok(calls.put(key, ifModRevision, lease, request));
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
        return ok(calls.get(key, consistency, revision));
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
        return ok(calls.range(prefix, from, to, limit, cursor, revision, keysOnly, countOnly, consistency));
    }

    @DeleteMapping(path = "/api/kv/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Replicate a delete; with ifModRevision only if the key's modRevision is that")
    @ApiResponse(responseCode = "200", description = "{key, deleted: whether it existed, revision, header}")
    @ApiResponse(responseCode = "412", description = "ifModRevision did not hold: the body's current is the key now")
    ResponseEntity<byte[]> delete(@PathVariable String key, @RequestParam(required = false) String ifModRevision) {
        return ok(calls.delete(key, ifModRevision));
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
        return ok(calls.compareAndSet(key, request));
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
        return ok(calls.txn(request));
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
        return ok(calls.compact(request));
    }

    private static ResponseEntity<byte[]> ok(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
