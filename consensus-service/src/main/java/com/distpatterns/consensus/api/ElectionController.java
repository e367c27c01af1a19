package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.ElectionEvent;
import com.distpatterns.consensus.core.ElectionLeader;
import com.distpatterns.consensus.core.ElectionObserver;
import com.distpatterns.consensus.core.Elections;
import com.distpatterns.platform.service.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Leader election, etcd's recipe on this store: candidates are keys under their owners' leases, led in campaign
 * order; the leader's revision is a fencing token. Every node serves every call.
 */
@RestController
@Tag(name = "elections", description = "Leader election on the store's keys, leases and watches")
class ElectionController {

    private static final Logger log = LoggerFactory.getLogger(ElectionController.class);

    private final Elections elections;
    private final ElectionCampaigns campaigns;
    private final ElectionStreams streams;
    private final ElectionRequests requests;
    private final JsonMapper json;

    ElectionController(Elections elections, ElectionCampaigns campaigns, ElectionStreams streams, JsonMapper json) {
        this.elections = elections;
        this.campaigns = campaigns;
        this.streams = streams;
        this.requests = new ElectionRequests(json);
        this.json = json;
    }

    @PostMapping(path = "/api/elections/{name}/campaign", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Campaign under a lease and wait (up to waitMs, default 30000, at most 300000) until leader; "
            + "candidates lead in campaign order; a retry with the same lease keeps its place",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = "application/json",
                    schema = @Schema(example = "{\"value\":{\"host\":\"a\"},\"leaseId\":42,\"waitMs\":30000}"))))
    @ApiResponse(responseCode = "200", description = "leader: {name, key, revision (the fencing token), value}")
    @ApiResponse(responseCode = "400", description = "a bad name or body, waitMs outside 0..300000")
    @ApiResponse(responseCode = "404", description = "the lease does not exist")
    @ApiResponse(responseCode = "409",
            description = "not leader within waitMs (the key was removed), or the key went while waiting")
    @ApiResponse(responseCode = "503", description = "no leader, or not committed in time (Retry-After)")
    DeferredResult<ResponseEntity<byte[]>> campaign(@PathVariable String name, HttpServletRequest request)
            throws IOException {
        ElectionRequests.checkName(name);
        return campaigns.campaign(name, requests.campaign(request));
    }

    @GetMapping(path = "/api/elections/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The leader: the candidate with the lowest createRevision (a linearizable read)")
    @ApiResponse(responseCode = "200", description = "{name, key, revision, value}")
    @ApiResponse(responseCode = "404", description = "nobody campaigns")
    ResponseEntity<byte[]> leader(@PathVariable String name) {
        ElectionRequests.checkName(name);
        ElectionLeader leader = elections.leader(name).orElseThrow(() -> ApiException.notFound("no-leader",
                "Nobody campaigns in election '" + name + "'."));
        return ok(ElectionJson.leader(json, leader));
    }

    @PostMapping(path = "/api/elections/{name}/resign", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Give up leadership: deletes the key only if it (created at revision, when given) leads",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = "application/json",
                    schema = @Schema(example = "{\"key\":\"_elections/db/2a\",\"revision\":17}"))))
    @ApiResponse(responseCode = "200", description = "{name, key, resignedAt}: the revision of the deletion")
    @ApiResponse(responseCode = "409", description = "that key (at that revision) does not lead")
    ResponseEntity<byte[]> resign(@PathVariable String name, HttpServletRequest request) throws IOException {
        ElectionRequests.checkName(name);
        ElectionRequests.Resign resign = requests.resign(request);
        long at = elections.resign(name, resign.key(), resign.revision());
        log.info("election '{}': {} resigned at revision {}", name, resign.key(), at);
        return ok(
                KvJson.object(json).string("name", name).string("key", resign.key()).number("resignedAt", at).bytes());
    }

    @PutMapping(path = "/api/elections/{name}/proclaim", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Set the leader's value, only if key (created at revision, when given) leads",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = "application/json",
                    schema = @Schema(example = "{\"key\":\"_elections/db/2a\",\"value\":{\"host\":\"b\"}}"))))
    @ApiResponse(responseCode = "200", description = "the leader: {name, key, revision, value}")
    @ApiResponse(responseCode = "409", description = "that key (at that revision) does not lead")
    ResponseEntity<byte[]> proclaim(@PathVariable String name, HttpServletRequest request) throws IOException {
        ElectionRequests.checkName(name);
        ElectionRequests.Proclaim proclaim = requests.proclaim(request);
        return ok(ElectionJson.leader(json,
                elections.proclaim(name, proclaim.key(), proclaim.revision(), proclaim.value())));
    }

    @GetMapping(path = "/api/elections/{name}/observe", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Server-Sent Events: 'leader' with the leader whenever the leader or its value changes, "
            + "'none' when nobody campaigns; the first event is the state now; id is the store revision")
    @ApiResponse(responseCode = "200", description = "text/event-stream: events leader, none")
    @ApiResponse(responseCode = "400", description = "a bad name")
    ResponseEntity<SseEmitter> observe(@PathVariable String name) throws InterruptedException {
        ElectionRequests.checkName(name);
        ElectionObserver observer = elections.observe(name);
        ElectionEvent first;
        try {
            // Read before the stream opens: a cluster that cannot answer gets a 503, not an empty stream.
            first = observer.next(Duration.ZERO);
        } catch (RuntimeException e) {
            observer.close();
            throw e;
        }
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(streams.stream(observer, first));
    }

    private static ResponseEntity<byte[]> ok(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
