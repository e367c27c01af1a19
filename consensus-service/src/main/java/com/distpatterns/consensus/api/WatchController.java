package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.WatchRequest;
import com.distpatterns.consensus.core.Watches;
import com.distpatterns.platform.service.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Watching changes as Server-Sent Events, from any node's own applied state. */
@RestController
@Tag(name = "kv")
class WatchController {

    private final Watches watches;
    private final WatchStreams streams;

    WatchController(Watches watches, WatchStreams streams) {
        this.watches = watches;
        this.streams = streams;
    }

    @GetMapping("/api/kv/watch")
    @Operation(summary = "Stream the changes of a key or a prefix as Server-Sent Events: history from fromRevision "
            + "(default: the next revision), then live, in revision order; a transaction's changes as one 'txn' event; "
            + "'progress' after silence; 'compacted' or 'lagging' end the stream. Last-Event-ID resumes after that revision")
    @ApiResponse(responseCode = "200",
            description = "text/event-stream: events put, delete, txn, progress, compacted, lagging")
    @ApiResponse(responseCode = "400",
            description = "neither or both of key and prefix, a bad key, fromRevision, prevKv or Last-Event-ID")
    SseEmitter watch(@Parameter(description = "watch this key") @RequestParam(required = false) String key,
            @Parameter(description = "watch every key starting with this (empty: all keys)") @RequestParam(
                    required = false) String prefix,
            @Parameter(description = "the first revision to stream (default: the next one)") @RequestParam(
                    required = false) String fromRevision,
            @Parameter(description = "include each key's previous version") @RequestParam(
                    required = false) String prevKv,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        if ((key == null) == (prefix == null)) {
            throw ApiException.badRequest("invalid-watch",
                    "Give either key or prefix (an empty prefix watches every key).");
        }
        if (key != null) {
            JsonValues.checkKey(key);
        }
        long from = 0;
        if (lastEventId != null) {
            from = number("Last-Event-ID", lastEventId, 0) + 1; // precedence: the client resumes where it was
        } else if (fromRevision != null) {
            from = number("fromRevision", fromRevision, 1);
        }
        boolean withPrev = flag(prevKv);
        return streams.stream(watches.watch(new WatchRequest(key != null ? key : prefix, key == null, from, withPrev)));
    }

    private static long number(String name, String text, long min) {
        try {
            long value = Long.parseLong(text.strip());
            if (value >= min && value < Long.MAX_VALUE) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("invalid-" + name.toLowerCase(), name + " is a whole number of at least " + min
                + ", not '" + text + "'.");
    }

    private static boolean flag(String text) {
        if (text == null || text.equalsIgnoreCase("false")) {
            return false;
        }
        if (text.equalsIgnoreCase("true") || text.isEmpty()) {
            return true;
        }
        throw ApiException.badRequest("invalid-prevkv", "prevKv is true or false, not '" + text + "'.");
    }
}
