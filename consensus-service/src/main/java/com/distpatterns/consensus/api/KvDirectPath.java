package com.distpatterns.consensus.api;

import com.distpatterns.platform.service.DirectPaths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The key-value calls that are nearly all of the traffic (get, put and delete of one key, a range, a transaction),
 * answered from {@link KvCalls} without Spring MVC's dispatch. Measured on the leader under the benchmark's writes
 * (docs/benchmarks.md, 2026-12-03, fifth session): the dispatch around the calls (handler look-up, argument
 * resolution, content negotiation and the message converter for a {@code byte[]}) was about a third of its CPU, and
 * over 40 % under reads, where our own code was 7 %.
 *
 * <p>It sits after the observation filter ({@link DirectPaths#FILTER_ORDER}), so the request is observed (metrics, trace) as before; it names the
 * route pattern MVC would have named. It takes only the plain shape of each call: a key that needs MVC's rules (a
 * {@code ;}, an encoded {@code /}, a bad escape), a key MVC maps to a call of its own ({@code GET /api/kv/watch}),
 * an {@code Accept} without JSON, or any other method or path goes on to MVC, which answers it as before
 * ({@link KvController} from the same {@link KvCalls}). A refusal is answered by MVC's own
 * exception resolvers, so its problem+json is the one the controller's would be.
 *
 * <p>Threads: any request thread.
 */
final class KvDirectPath extends HttpFilter {

    private static final String KEY_PREFIX = "/api/kv/";

    private final transient KvCalls calls;
    private final transient HandlerExceptionResolver problems;
    private final transient Supplier<Set<String>> mvcPaths;
    /** What {@code mvcPaths} gave, asked at the first request: MVC's mappings are not known before. */
    private volatile Set<String> mvcKeys;

    /**
     * {@code mvcPaths}: the first path segments after {@code /api/kv/} that MVC maps literally ({@code watch},
     * {@code compact}); a key among them is MVC's, since its literal mapping wins over {@code /api/kv/{key}}.
     */
    KvDirectPath(KvCalls calls, HandlerExceptionResolver problems, Supplier<Set<String>> mvcPaths) {
        this.calls = calls;
        this.problems = problems;
        this.mvcPaths = mvcPaths;
    }

    private enum Call {
        GET("/api/kv/{key}"), PUT("/api/kv/{key}"), DELETE("/api/kv/{key}"), RANGE("/api/kv"), TXN("/api/txn");

        final String pattern;

        Call(String pattern) {
            this.pattern = pattern;
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String uri = request.getRequestURI();
        Call call = route(request.getMethod(), uri);
        String key = call == Call.GET || call == Call.PUT || call == Call.DELETE ? key(uri) : "";
        if (call == null || key == null || mvcKeys().contains(key)
                || !DirectPaths.acceptsJson(request.getHeader("Accept"))) {
            chain.doFilter(request, response);
            return;
        }
        DirectPaths.observeAs(request, call.pattern);
        byte[] body;
        try {
            body = switch (call) {
                case GET -> calls.get(key, request.getParameter("consistency"), request.getParameter("revision"));
                case PUT -> calls.put(key, request.getParameter("ifModRevision"), request.getParameter("lease"),
                        request);
                case DELETE -> calls.delete(key, request.getParameter("ifModRevision"));
                case RANGE -> calls.range(request.getParameter("prefix"), request.getParameter("from"),
                        request.getParameter("to"), request.getParameter("limit"), request.getParameter("cursor"),
                        request.getParameter("revision"), request.getParameter("keysOnly"),
                        request.getParameter("countOnly"), request.getParameter("consistency"));
                case TXN -> calls.txn(request);
            };
        } catch (RuntimeException | IOException e) {
            DirectPaths.refuse(problems, request, response, e);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static Call route(String method, String uri) {
        if (uri.startsWith(KEY_PREFIX)) {
            return switch (method) {
                case "GET" -> Call.GET;
                case "PUT" -> Call.PUT;
                case "DELETE" -> Call.DELETE;
                default -> null;
            };
        }
        if (uri.equals("/api/kv")) {
            return method.equals("GET") ? Call.RANGE : null;
        }
        return uri.equals("/api/txn") && method.equals("POST") ? Call.TXN : null;
    }

    /**
     * The key of {@code /api/kv/{key}} decoded, or null when only MVC's path rules can say what it is; a key is one
     * segment here, so an encoded {@code /} is MVC's too.
     */
    private static String key(String uri) {
        String key = DirectPaths.segment(uri.substring(KEY_PREFIX.length()));
        return key == null || key.indexOf('/') >= 0 ? null : key;
    }

    private Set<String> mvcKeys() {
        Set<String> keys = mvcKeys;
        if (keys == null) {
            keys = Set.copyOf(mvcPaths.get());
            mvcKeys = keys;
        }
        return keys;
    }
}
