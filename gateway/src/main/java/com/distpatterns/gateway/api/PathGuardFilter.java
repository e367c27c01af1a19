package com.distpatterns.gateway.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses paths that could mean something else downstream than here: dot segments and encoded slashes,
 * dots or backslashes, except an encoded slash or backslash inside a cache entry's or a kv key's own segment. (A
 * double-encoded {@code %252e} is decoded once downstream, to a harmless literal.) Without it
 * {@code /api/caches/..%2F..%2Factuator/env} could reach a service's actuator.
 */
public final class PathGuardFilter extends NamedWebFilter {

    /** The paths whose last segment (or the one before {@code /cas}) is a free-form key: a cache entry, a kv key. */
    private static final Pattern KEY_SEGMENT = Pattern.compile(
            "(?<before>/api/caches/[^/]+/entries/|/api/kv/)(?<key>[^/]+)(?<after>/cas)?");

    private final ProblemWriter problems;

    public PathGuardFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String raw = exchange.getRequest().getURI().getRawPath();
        if (raw != null && ambiguous(raw)) {
            return problems.write(exchange, new Problem(HttpStatus.BAD_REQUEST, "ambiguous-path",
                    "Paths with '.' or '..' segments, '//', ';', or encoded '/', '\\' or '.' are not accepted."));
        }
        return chain.filter(exchange);
    }

    static boolean ambiguous(String rawPath) {
        if (plain(rawPath)) {
            return false;
        }
        Matcher key = KEY_SEGMENT.matcher(rawPath);
        if (key.matches()) {
            // The key segment may hold an encoded '/' or '\': the services keep it inside that one segment, undecoded.
            String segment = key.group("key").toLowerCase(Locale.ROOT);
            return segment.contains("%2e") || ambiguousElsewhere(key.group("before") + "k" + key.group("after"));
        }
        return ambiguousElsewhere(rawPath);
    }

    /**
     * Whether the path has none of the characters every ambiguity below needs ({@code %}, {@code .}, a backslash,
     * {@code ;}) nor {@code //}: most do not, and they skip the regular expression and the lower-casing.
     */
    private static boolean plain(String rawPath) {
        char previous = 0;
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%' || c == '.' || c == '\\' || c == ';' || (c == '/' && previous == '/')) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    private static boolean ambiguousElsewhere(String rawPath) {
        String lower = rawPath.toLowerCase(Locale.ROOT);
        return lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || lower.contains("\\")
                || lower.contains("//") || lower.contains(";")
                || lower.equals("/.") || lower.equals("/..")
                || lower.contains("/./") || lower.contains("/../")
                || lower.endsWith("/.") || lower.endsWith("/..");
    }

    @Override
    public int getOrder() {
        return FilterOrder.PATH_GUARD.order();
    }
}
