package com.distpatterns.cache.api;

import com.distpatterns.cache.core.CacheName;
import com.distpatterns.cache.core.CacheStore;
import com.distpatterns.cache.core.EntryKey;
import com.distpatterns.cache.core.StoredEntry;
import com.distpatterns.platform.service.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;

/**
 * A cache entry's GET, answered into the servlet response: the one answer of {@link CacheController} and of
 * {@link EntryDirectPath}, so the two cannot drift apart.
 */
final class EntryReads {

    static final String TTL_REMAINING = "Cache-TTL-Remaining";

    private final CacheStore store;

    EntryReads(CacheStore store) {
        this.store = store;
    }

    /**
     * Writes the entry's bytes with its content type, {@value #TTL_REMAINING} and length; throws before anything is
     * written when the name or key is invalid ({@code 400}), the entry is absent ({@code 404}) or the store fails.
     */
    void answer(String cache, String key, HttpServletResponse response) throws IOException {
        CacheName name = new CacheName(cache);
        EntryKey entryKey = new EntryKey(key);
        StoredEntry entry = store.get(name, entryKey).orElseThrow(() -> ApiException.notFound("entry-not-found",
                "Cache '" + name + "' has no entry '" + key + "': it was never stored, has expired, or was deleted."));
        long remainingSeconds = (entry.remaining().toMillis() + 999) / 1000;
        // The stored bytes go straight to the response: a ResponseEntity would cost a headers map, content negotiation
        // and a message converter's lookup on every hit, for the same bytes and headers.
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(TTL_REMAINING, Long.toString(remainingSeconds));
        response.setContentLength(entry.json().length);
        response.getOutputStream().write(entry.json());
    }
}
