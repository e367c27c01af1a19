package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.ApiKeys;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Requires a known {@code X-API-Key} on every {@code /api/**} call when keys are configured, and on admin
 * paths always. Records who the caller is for the rate limiter ({@link FilterOrder.Attributes#CLIENT}).
 */
public final class ApiKeyFilter extends NamedWebFilter {

    public static final String HEADER = "X-API-Key";

    private static final PathPattern API = PathPatternParser.defaultInstance.parse("/api/**");

    private final ApiKeys keys;
    private final List<PathPattern> adminPaths;
    private final ProblemWriter problems;

    public ApiKeyFilter(ApiKeys keys, List<String> adminPaths, ProblemWriter problems) {
        this.keys = keys;
        this.adminPaths = adminPaths.stream().map(PathPatternParser.defaultInstance::parse).toList();
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (!API.matches(path)) {
            return chain.filter(exchange);
        }
        if (keys.open() && !admin(path)) {
            return chain.filter(exchange);
        }
        Optional<String> client = keys.identify(exchange.getRequest().getHeaders().getFirst(HEADER));
        if (client.isEmpty()) {
            exchange.getResponse().getHeaders().set("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
            String detail = keys.open()
                    ? "Admin calls need an API key, and this gateway has none configured (set GATEWAY_API_KEYS)."
                    : "A valid API key is required in the " + HEADER + " header.";
            return problems.write(exchange, new Problem(HttpStatus.UNAUTHORIZED, "api-key-required", detail));
        }
        FilterOrder.Attributes.CLIENT.put(exchange, client.get());
        return chain.filter(exchange);
    }

    private boolean admin(PathContainer path) {
        for (PathPattern pattern : adminPaths) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return FilterOrder.API_KEY.order();
    }
}
