package com.distpatterns.cache.api;

import com.distpatterns.cache.config.CacheServiceProperties;
import com.distpatterns.cache.core.CacheName;
import com.distpatterns.cache.core.CacheStore;
import com.distpatterns.cache.core.EntryKey;
import com.distpatterns.cache.core.EntryLimits;
import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.JsonBodies;
import com.distpatterns.platform.service.PageSize;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Entries with a time to live in named caches, their statistics, and flushing one cache. */
@RestController
@Tag(name = "caches", description = "A shared cache of JSON values with per-entry TTLs")
class CacheController {

    private final CacheStore store;
    private final EntryReads reads;
    private final JsonBodies bodies;
    private final Duration defaultTtl;

    CacheController(CacheStore store, EntryReads reads, JsonBodies bodies, CacheServiceProperties properties) {
        this.store = store;
        this.reads = reads;
        this.bodies = bodies;
        this.defaultTtl = properties.defaultTtl();
    }

    @PutMapping("/api/caches/{cache}/entries/{key}")
    @Operation(summary = "Store any JSON value (at most 1 MiB), kept byte for byte",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = "application/json",
                            schema = @Schema(description = "any JSON value"))))
    @ApiResponse(responseCode = "204", description = "stored")
    @ApiResponse(responseCode = "400", description = "bad cache name, key, ttlSeconds, or a body that is not JSON")
    @ApiResponse(responseCode = "413", description = "value over 1 MiB")
    ResponseEntity<Void> put(
            @PathVariable String cache,
            @PathVariable String key,
            @Parameter(description = "1..2592000; the cache's default (3600) when absent") @RequestParam(
                    required = false) String ttlSeconds,
            HttpServletRequest request) throws IOException {
        CacheName name = new CacheName(cache);
        EntryKey entryKey = new EntryKey(key);
        Duration ttl = EntryLimits.ttl(ttlSeconds, defaultTtl);
        byte[] value = bodies.readJsonValue(request, EntryLimits.MAX_VALUE_BYTES, () -> new ApiException(
                HttpStatus.CONTENT_TOO_LARGE, "value-too-large",
                "A value may be at most 1 MiB (" + EntryLimits.MAX_VALUE_BYTES
                        + " bytes) of JSON; this one is larger."));
        store.put(name, entryKey, value, ttl);
        return ResponseEntity.noContent().build();
    }

    @GetMapping(path = "/api/caches/{cache}/entries/{key}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Read a value back exactly as stored")
    @ApiResponse(responseCode = "200", description = "the value",
            headers = @Header(name = EntryReads.TTL_REMAINING,
                    description = "whole seconds the entry still lives, rounded up"),
            content = @Content(mediaType = "application/json", schema = @Schema(description = "the JSON value")))
    @ApiResponse(responseCode = "404", description = "never stored, expired, deleted or flushed")
    void get(@PathVariable String cache, @PathVariable String key, HttpServletResponse response) throws IOException {
        reads.answer(cache, key, response);
    }

    @DeleteMapping("/api/caches/{cache}/entries/{key}")
    @Operation(summary = "Remove an entry (idempotent)")
    @ApiResponse(responseCode = "204", description = "gone, or was never there")
    ResponseEntity<Void> delete(@PathVariable String cache, @PathVariable String key) {
        store.delete(new CacheName(cache), new EntryKey(key));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/caches")
    @Operation(
            summary = "Every cache with entries or statistics, in name order, each with its statistics; a page at a time")
    @ApiResponse(responseCode = "200", description = "a page; follow next until it is null")
    @ApiResponse(responseCode = "400", description = "a limit outside 1..500 or a cursor that is not a cache name")
    CacheListResponse list(
            @Parameter(description = "1..500 (100)") @RequestParam(required = false) String limit,
            @Parameter(description = "the next of the page before") @RequestParam(required = false) String cursor) {
        int size = PageSize.parse(limit, EntryLimits.DEFAULT_PAGE, EntryLimits.MAX_PAGE);
        CacheName after = cursor == null || cursor.isEmpty() ? null : new CacheName(cursor);
        List<CacheName> names = store.names(after, size + 1);
        List<CacheStatisticsResponse> page = names.stream().limit(size)
                .map(name -> CacheStatisticsResponse.of(store.statistics(name))).toList();
        return new CacheListResponse(page, names.size() > size ? names.get(size - 1).value() : null);
    }

    @GetMapping("/api/caches/{cache}")
    @Operation(summary = "Hits, misses, hit ratio and live entries, across every instance of the service")
    CacheStatisticsResponse statistics(@PathVariable String cache) {
        return CacheStatisticsResponse.of(store.statistics(new CacheName(cache)));
    }

    @DeleteMapping("/api/caches/{cache}")
    @Operation(summary = "Remove every entry of one cache (SCAN and UNLINK in batches; other caches are untouched)")
    @ApiResponse(responseCode = "204", description = "flushed")
    ResponseEntity<Void> flush(@PathVariable String cache) {
        store.flush(new CacheName(cache));
        return ResponseEntity.noContent().build();
    }
}
