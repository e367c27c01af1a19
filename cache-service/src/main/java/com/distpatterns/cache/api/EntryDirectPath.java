package com.distpatterns.cache.api;

import com.distpatterns.platform.service.DirectPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * {@code GET /api/caches/{cache}/entries/{key}}, nearly all of the traffic, answered by {@link EntryReads} without
 * Spring MVC's dispatch. A near-cache hit is a map look-up; around it, MVC's handler look-up, argument resolution
 * and the rest cost more than the hit itself (docs/benchmarks.md, issue 22, eleventh session).
 *
 * <p>It sits after the observation filter ({@link DirectPaths#FILTER_ORDER}), so the request is observed (metrics, trace) under the pattern MVC would
 * have named. It takes only the plain shape of the call ({@link DirectPaths}): a segment that needs MVC's path rules,
 * an {@code Accept} without JSON, or any other method or path goes on to MVC, which answers it as before from the same
 * {@link EntryReads}. A refusal (a bad name or key, no such entry, Redis down) is answered by MVC's own exception
 * resolvers, so its problem+json is the controller's.
 *
 * <p>Threads: any request thread.
 */
final class EntryDirectPath extends HttpFilter {

    static final String PATTERN = "/api/caches/{cache}/entries/{key}";
    private static final String PREFIX = "/api/caches/";
    private static final String ENTRIES = "/entries/";

    private final transient EntryReads reads;
    private final transient HandlerExceptionResolver problems;

    EntryDirectPath(EntryReads reads, HandlerExceptionResolver problems) {
        this.reads = reads;
        this.problems = problems;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String uri = request.getRequestURI();
        int cacheEnd = uri.indexOf('/', PREFIX.length());
        if (!request.getMethod().equals("GET") || !uri.startsWith(PREFIX) || cacheEnd < 0
                || !uri.startsWith(ENTRIES, cacheEnd)) {
            chain.doFilter(request, response);
            return;
        }
        String cache = DirectPaths.segment(uri.substring(PREFIX.length(), cacheEnd));
        String key = DirectPaths.segment(uri.substring(cacheEnd + ENTRIES.length()));
        if (cache == null || key == null || !DirectPaths.acceptsJson(request.getHeader("Accept"))) {
            chain.doFilter(request, response);
            return;
        }
        DirectPaths.observeAs(request, PATTERN);
        try {
            reads.answer(cache, key, response);
        } catch (RuntimeException e) {
            DirectPaths.refuse(problems, request, response, e);
        }
    }
}
