package com.distpatterns.consensus.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/** {@code POST /api/cluster/members}: the new server's Raft id and the host:port of its Raft transport. */
record AddMemberRequest(
        @NotNull @Positive Long id,
        @NotBlank @Pattern(regexp = "[^\\s:,=]+:\\d{1,5}",
                message = "must be host:port, e.g. consensus-4:7001") String address) {}
