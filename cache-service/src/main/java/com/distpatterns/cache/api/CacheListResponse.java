package com.distpatterns.cache.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A page of caches, each with its statistics. */
public record CacheListResponse(
        List<CacheStatisticsResponse> caches,
        @Schema(description = "the cursor of the next page, or null on the last") String next) {}
