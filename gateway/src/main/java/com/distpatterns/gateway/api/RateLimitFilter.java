package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.RateLimitDecision;
import com.distpatterns.gateway.core.RateLimiter;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Limits each client's request rate on {@code /api/**}, answering 429 with {@code Retry-After}, and tells every
 * client where it stands with the {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}
 * headers of the IETF draft.
 */
public final class RateLimitFilter implements WebFilter, Ordered {

    private static final PathPattern API = PathPatternParser.defaultInstance.parse("/api/**");

    private final RateLimiter limiter;
    private final ProblemWriter problems;

    public RateLimitFilter(RateLimiter limiter, ProblemWriter problems) {
        this.limiter = limiter;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (!API.matches(path)) {
            return chain.filter(exchange);
        }
        return limiter.consume(clientOf(exchange)).flatMap(decision -> {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set("RateLimit-Limit", Integer.toString(decision.limit()));
            headers.set("RateLimit-Remaining", Long.toString(decision.remaining()));
            headers.set("RateLimit-Reset", Long.toString(seconds(decision.resetAfter())));
            if (decision.allowed()) {
                return chain.filter(exchange);
            }
            return problems.write(exchange, new Problem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                    "Too many requests from this client; retry after " + seconds(decision.retryAfter()) + " s.",
                    decision.retryAfter()));
        });
    }

    private static String clientOf(ServerWebExchange exchange) {
        String keyed = FilterOrder.Attributes.CLIENT.get(exchange);
        if (keyed != null) {
            return keyed;
        }
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return "ip:"
                + (remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress());
    }

    private static long seconds(Duration duration) {
        return Math.max(duration.isZero() ? 0 : 1, (duration.toMillis() + 999) / 1000);
    }

    @Override
    public int getOrder() {
        return FilterOrder.RATE_LIMIT.order();
    }
}
