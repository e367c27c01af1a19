package com.distpatterns.consensus.api;

import com.distpatterns.consensus.config.ConsensusProperties;
import com.distpatterns.consensus.core.Lease;
import com.distpatterns.consensus.core.Leases;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.JsonBodies;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Leases, etcd's: keys put under a lease are deleted, all at one revision, when it is revoked or expires without a
 * keepalive. Every node serves every call: grants and revokes are replicated writes, keepalives and reads are
 * answered by the leader, which alone keeps the deadlines.
 */
@RestController
@Tag(name = "leases", description = "Leases: keys that live as long as their owner keeps the lease alive")
class LeaseController {

    private static final int MAX_BODY_BYTES = 4096;

    private final Leases leases;
    private final JsonMapper mapper;
    private final Await await;

    LeaseController(Leases leases, JsonMapper mapper, ConsensusProperties properties) {
        this.leases = leases;
        this.mapper = mapper;
        this.await = new Await(properties.requestTimeout());
    }

    @PostMapping(path = "/api/leases", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Grant a lease of ttlSeconds (5..3600); its id is the log index of the grant, never reused",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json",
                            schema = @Schema(example = "{\"ttlSeconds\": 10}"))))
    @ApiResponse(responseCode = "200", description = "{id, ttlSeconds}")
    @ApiResponse(responseCode = "400", description = "no ttlSeconds, or one outside 5..3600")
    @ApiResponse(responseCode = "503", description = "no leader, or not committed in time (Retry-After)")
    Map<String, Object> grant(HttpServletRequest request) throws IOException {
        JsonNode ttl = body(request).get("ttlSeconds");
        if (ttl == null || !ttl.isIntegralNumber()) {
            throw ApiException.badRequest("invalid-ttl", "The body is {\"ttlSeconds\": 5..3600}.");
        }
        if (ttl.asLong() < 5 || ttl.asLong() > 3600) {
            throw ApiException.badRequest("invalid-ttl", "ttlSeconds is 5..3600, not " + ttl + ".");
        }
        Lease lease = await.result(leases.grant(ttl.asLong()));
        return Map.of("id", lease.id(), "ttlSeconds", lease.ttlSeconds());
    }

    @PostMapping(path = "/api/leases/{id}/keepalive", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Restart the lease's full TTL; answered once the leader confirmed it still leads")
    @ApiResponse(responseCode = "200", description = "{id, ttlSeconds}: the TTL the lease has again from now")
    @ApiResponse(responseCode = "404", description = "no such lease: expired, revoked or never granted")
    @ApiResponse(responseCode = "503", description = "no leader, or not confirmed in time (Retry-After)")
    Map<String, Object> keepAlive(@PathVariable String id) {
        Lease lease = await.result(leases.keepAlive(leaseId(id)));
        return Map.of("id", lease.id(), "ttlSeconds", lease.remainingSeconds());
    }

    @GetMapping(path = "/api/leases/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The lease: its TTL, the seconds left before it expires, its keys")
    @ApiResponse(responseCode = "200", description = "{id, ttlSeconds, remainingSeconds, keys}")
    @ApiResponse(responseCode = "404", description = "no such lease: expired, revoked or never granted")
    Map<String, Object> get(@PathVariable String id) {
        Lease lease = await.result(leases.get(leaseId(id)));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", lease.id());
        view.put("ttlSeconds", lease.ttlSeconds());
        view.put("remainingSeconds", lease.remainingSeconds());
        view.put("keys", lease.keys());
        return view;
    }

    @DeleteMapping(path = "/api/leases/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Revoke the lease and delete its keys, all at one revision")
    @ApiResponse(responseCode = "200", description = "{id, revision}: the store revision after the keys' deletion")
    @ApiResponse(responseCode = "404", description = "no such lease: expired, revoked or never granted")
    Map<String, Object> revoke(@PathVariable String id) {
        long lease = leaseId(id);
        return Map.of("id", lease, "revision", await.result(leases.revoke(lease)));
    }

    private static long leaseId(String text) {
        try {
            long id = Long.parseLong(text.strip());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("invalid-lease",
                "A lease id is a whole number of at least 1, not '" + text + "'.");
    }

    private JsonNode body(HttpServletRequest request) throws IOException {
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = JsonBodies.readBounded(in, request.getContentLengthLong(), MAX_BODY_BYTES,
                    () -> ApiException.payloadTooLarge("A lease's body is at most " + MAX_BODY_BYTES + " bytes."));
        }
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("invalid-body", "The body is a JSON object {\"ttlSeconds\": 5..3600}.");
            }
            return node;
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid-body", "The body is not JSON: " + e.getOriginalMessage());
        }
    }
}
