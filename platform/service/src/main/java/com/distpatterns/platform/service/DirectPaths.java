package com.distpatterns.platform.service;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.servlet.filter.OrderedFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.UriUtils;

/**
 * What a servlet filter needs to answer a service's hottest call itself, without Spring MVC's dispatch, and still
 * answer exactly as the controller would. Measured twice: in consensus-service the dispatch around a key-value read
 * (handler look-up, argument resolution, content negotiation, the message converter) was over 40 % of the leader's
 * CPU; in cache-service a near-cache hit is a map look-up inside that same dispatch (docs/benchmarks.md).
 *
 * <p>Such a filter sits after the observation ({@link #FILTER_ORDER}), so the request is observed (metrics, trace) as
 * before, under the route pattern MVC would have named ({@link #observeAs}). It takes only the plain shape of its call and leaves
 * anything that needs MVC's own rules to MVC: a path segment {@link #segment} cannot decode, an {@code Accept} without
 * JSON ({@link #acceptsJson}). A refusal goes to MVC's exception resolvers ({@link #refuse}), so its problem+json is
 * the controller's.
 */
public final class DirectPaths {

    /**
     * A direct path's place among the servlet filters: after Spring Boot's observation filter
     * ({@code HIGHEST_PRECEDENCE + 1}) and before Spring MVC's {@code RequestContextFilter}
     * ({@code REQUEST_WRAPPER_FILTER_MAX_ORDER - 105}), which binds the request and its locale to the thread for MVC's
     * handlers. A direct path needs neither, and the binding was 3 % of cache-service's CPU samples on a near-cache hit
     * (docs/benchmarks.md, issue 22, thirty-second session); a call the path leaves to MVC passes on through it.
     */
    public static final int FILTER_ORDER = OrderedFilter.REQUEST_WRAPPER_FILTER_MAX_ORDER - 106;

    private DirectPaths() {}

    /**
     * One path segment of the raw request URI, percent-decoded as UTF-8; null when only MVC's path rules can say what
     * it is: empty, {@code .} or {@code ..} (before or after decoding), a {@code ;} (matrix variables), a raw
     * {@code /} or a bad escape. An encoded {@code /} decodes into the value, as MVC decodes it into a path variable.
     */
    public static String segment(String raw) {
        if (raw.isEmpty() || raw.indexOf('/') >= 0 || raw.indexOf(';') >= 0 || isDots(raw)) {
            return null;
        }
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        try {
            String decoded = UriUtils.decode(raw, StandardCharsets.UTF_8);
            return decoded.isEmpty() || isDots(decoded) ? null : decoded;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether the answer may be JSON; when not, MVC answers 406 as it always did. */
    public static boolean acceptsJson(String accept) {
        return accept == null || accept.isEmpty() || accept.contains("*/*") || accept.contains("application/json")
                || accept.contains("application/*");
    }

    /** Names the request's metrics and trace after {@code pattern}, the route MVC would have matched. */
    public static void observeAs(HttpServletRequest request, String pattern) {
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(c -> c.setPathPattern(pattern));
    }

    /**
     * Answers a refusal exactly as MVC would have answered it from the controller: the platform's problem advice
     * ({@code problems} is the context's {@code handlerExceptionResolver}).
     */
    public static void refuse(HandlerExceptionResolver problems, HttpServletRequest request,
            HttpServletResponse response, Exception e) throws ServletException {
        ModelAndView answered = problems.resolveException(request, response, null, e);
        if (answered == null) {
            throw new ServletException(e); // the container's error page: a 500 problem, logged
        }
    }

    private static boolean isDots(String segment) {
        return segment.equals(".") || segment.equals("..");
    }
}
