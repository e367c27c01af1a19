package com.distpatterns.gateway.api;

import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses paths that could mean something else downstream than here: dot segments and encoded slashes,
 * dots or backslashes. (A double-encoded {@code %252e} is decoded once downstream, to a harmless literal.) Without it {@code /api/caches/..%2F..%2Factuator/env} could reach a service's actuator.
 */
public final class PathGuardFilter implements WebFilter, Ordered {

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
    String lower = rawPath.toLowerCase(Locale.ROOT);
    return lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || lower.contains("\\")
        || lower.contains("//") || lower.contains(";")
        || lower.equals("/.") || lower.equals("/..")
        || lower.contains("/./") || lower.contains("/../")
        || lower.endsWith("/.") || lower.endsWith("/..");
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 1;
  }
}
