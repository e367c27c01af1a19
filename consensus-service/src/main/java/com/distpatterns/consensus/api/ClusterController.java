package com.distpatterns.consensus.api;

import com.distpatterns.consensus.config.ConsensusProperties;
import com.distpatterns.consensus.core.ReplicatedStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The cluster's state, and membership changes (admin: the gateway lets them through only with an API key). */
@RestController
@Tag(name = "cluster", description = "Raft cluster status and membership")
class ClusterController {

    private final ReplicatedStore store;
    private final Await await;

    ClusterController(ReplicatedStore store, ConsensusProperties properties) {
        this.store = store;
        this.await = new Await(properties.requestTimeout());
    }

    @GetMapping("/api/cluster")
    @Operation(summary = "This node's view: role, term, leader, commit and applied index, members")
    ClusterResponse status() {
        return ClusterResponse.of(await.result(store.status()));
    }

    @PostMapping("/api/cluster/members")
    @Operation(
            summary = "Add a server (admin). It joins as a learner and is promoted to voter once caught up; start it "
                    + "with CONSENSUS_JOIN=true and its id")
    @ApiResponse(responseCode = "200", description = "the learner was added; the cluster as this node now sees it")
    @ApiResponse(responseCode = "409", description = "already a member, or another membership change is under way")
    ClusterResponse add(@Valid @RequestBody AddMemberRequest request) {
        return ClusterResponse.of(await.result(store.addMember(request.id(), request.address())));
    }

    @DeleteMapping("/api/cluster/members/{id}")
    @Operation(summary = "Remove a server (admin), one at a time")
    @ApiResponse(responseCode = "200", description = "removed; the cluster as this node now sees it")
    @ApiResponse(responseCode = "409", description = "not a member, or the last voter")
    ClusterResponse remove(@PathVariable long id) {
        return ClusterResponse.of(await.result(store.removeMember(id)));
    }
}
