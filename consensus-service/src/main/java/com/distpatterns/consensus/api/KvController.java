package com.distpatterns.consensus.api;

import com.distpatterns.consensus.config.ConsensusProperties;
import com.distpatterns.consensus.core.KvCommand;
import com.distpatterns.consensus.core.KvResult;
import com.distpatterns.consensus.core.ReadConsistency;
import com.distpatterns.consensus.core.ReplicatedStore;
import com.distpatterns.consensus.core.Versioned;
import com.distpatterns.platform.service.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
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

/** The replicated key-value store: every node serves every call; followers forward writes to the leader. */
@RestController
@Tag(name = "kv", description = "A linearizable key-value store replicated by Raft")
class KvController {

    private final ReplicatedStore store;
    private final JsonValues json;
    private final Await await;

    KvController(ReplicatedStore store, JsonMapper mapper, ConsensusProperties properties) {
        this.store = store;
        this.json = new JsonValues(mapper);
        this.await = new Await(properties.requestTimeout());
    }

    @PutMapping(path = "/api/kv/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Replicate and apply a value (any JSON but null, at most 1 MiB), kept byte for byte",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json", schema = @Schema(description = "any JSON value"))))
    @ApiResponse(responseCode = "200", description = "committed by a majority and applied: {key, value, revision}")
    @ApiResponse(responseCode = "400", description = "a key over 512 bytes, or a body that is not JSON")
    @ApiResponse(responseCode = "413", description = "a value over 1 MiB")
    @ApiResponse(responseCode = "503", description = "no leader, or not committed in time (Retry-After)")
    ResponseEntity<byte[]> put(@PathVariable String key, HttpServletRequest request) throws IOException {
        JsonValues.checkKey(key);
        byte[] value = json.readValue(request);
        KvResult.Written written = (KvResult.Written) await.result(store.write(new KvCommand.Put(key, value)));
        return ok(json.keyValue(key, written.value(), written.revision()));
    }

    @GetMapping(path = "/api/kv/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Read a key: linearizable by default, or this node's own state with consistency=local")
    @ApiResponse(responseCode = "200", description = "{key, value, revision}")
    @ApiResponse(responseCode = "404", description = "the key is absent")
    ResponseEntity<byte[]> get(@PathVariable String key,
            @Parameter(description = "linearizable (default) or local") @RequestParam(required = false) String consistency) {
        JsonValues.checkKey(key);
        ReadConsistency mode = consistency == null || consistency.equalsIgnoreCase("linearizable") ? ReadConsistency.LINEARIZABLE
                : consistency.equalsIgnoreCase("local") ? ReadConsistency.LOCAL : null;
        if (mode == null) {
            throw ApiException.badRequest("invalid-consistency",
                    "consistency is 'linearizable' (the default) or 'local', not '" + consistency + "'.");
        }
        Versioned value = await.result(store.read(key, mode)).orElseThrow(() -> ApiException.notFound("key-not-found",
                "The key '" + key + "' is absent: never written, or deleted."));
        return ok(json.keyValue(key, value.value(), value.revision()));
    }

    @DeleteMapping(path = "/api/kv/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Replicate a delete")
    @ApiResponse(responseCode = "200", description = "{key, deleted: whether it existed, revision}")
    ResponseEntity<byte[]> delete(@PathVariable String key) {
        JsonValues.checkKey(key);
        KvResult.Deleted deleted = (KvResult.Deleted) await.result(store.write(new KvCommand.Delete(key)));
        return ok(json.deleted(key, deleted.deleted(), deleted.revision()));
    }

    @PostMapping(path = "/api/kv/{key}/cas", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Compare-and-set, atomically: store value if the key holds expected (null: is absent)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json",
                            schema = @Schema(example = "{\"expected\": null, \"value\": {\"owner\": \"a\"}}"))))
    @ApiResponse(responseCode = "200", description = "{key, succeeded, value: current after, revision}")
    @ApiResponse(responseCode = "400", description = "no value or expected, or not JSON")
    ResponseEntity<byte[]> compareAndSet(@PathVariable String key, HttpServletRequest request) throws IOException {
        JsonValues.checkKey(key);
        JsonValues.CasRequest cas = json.readCas(request);
        KvResult.Swapped swapped = (KvResult.Swapped) await.result(
                store.write(new KvCommand.CompareAndSet(key, cas.expected(), cas.value())));
        return ok(json.swapped(key, swapped.succeeded(), swapped.current(), swapped.revision()));
    }

    private static ResponseEntity<byte[]> ok(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
