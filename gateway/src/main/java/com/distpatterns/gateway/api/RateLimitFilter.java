package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.RateLimitDecision;
import com.distpatterns.gateway.core.RateLimiter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Limits each client's request rate on {@code /api/**}, answering 429 with {@code Retry-After}, and tells every
 * client where it stands with the {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}
 * headers of the IETF draft.
 *
 * <p>Most calls are decided from tokens this replica holds ({@code LeasingRateLimiter}): those go on at once, on the
 * caller's thread. A call that waits for a lease from Redis gets its answer on the Redis client's I/O thread, and
 * goes on from the caller's own event loop ({@code callerLoop}): else the rest of the request (routing, the
 * downstream call, the response) ran on that one Redis thread, for every call that had waited (a fifth of the
 * gateway's CPU samples under load), and the downstream connection was picked away from the caller's event loop.
 */
public final class RateLimitFilter extends NamedWebFilter {

    private static final PathPattern API = PathPatternParser.defaultInstance.parse("/api/**");

    private final RateLimiter limiter;
    private final ProblemWriter problems;
    private final Function<ServerWebExchange, Executor> callerLoop;
    /** One scheduler per event loop (a handful), not one per call. */
    private final Map<Executor, Scheduler> schedulers = new ConcurrentHashMap<>();

    public RateLimitFilter(RateLimiter limiter, ProblemWriter problems) {
        this(limiter, problems, RouteBreakerGatewayFilterFactory::eventLoop);
    }

    /** @param callerLoop the event loop of the caller's connection, or null when there is none to go back to */
    RateLimitFilter(RateLimiter limiter, ProblemWriter problems, Function<ServerWebExchange, Executor> callerLoop) {
        this.limiter = limiter;
        this.problems = problems;
        this.callerLoop = callerLoop;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (!API.matches(path)) {
            return chain.filter(exchange);
        }
        Mono<RateLimitDecision> decision = limiter.consume(clientOf(exchange));
        RateLimitDecision decided = decidedAlready(decision);
        if (decided != null) {
            return apply(decided, exchange, chain);
        }
        Executor loop = callerLoop.apply(exchange);
        if (loop != null) {
            decision = decision.publishOn(schedulers.computeIfAbsent(loop, Schedulers::fromExecutor));
        }
        return decision.flatMap(waited -> apply(waited, exchange, chain));
    }

    /** The decision when the limiter made it without waiting ({@code Mono.just}), else null. */
    private static RateLimitDecision decidedAlready(Mono<RateLimitDecision> decision) {
        if (decision instanceof Fuseable.ScalarCallable<?> scalar) {
            try {
                return (RateLimitDecision) scalar.call();
            } catch (Exception notScalarAfterAll) {
                return null;
            }
        }
        return null;
    }

    private Mono<Void> apply(RateLimitDecision decision, ServerWebExchange exchange, WebFilterChain chain) {
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
