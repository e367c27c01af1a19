package com.distpatterns.gateway.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes a {@link Problem} as {@code application/problem+json}. */
public final class ProblemWriter {

    private final JsonMapper json;

    public ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    public Mono<Void> write(ServerWebExchange exchange, Problem problem) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        byte[] bytes = body(problem, exchange.getRequest().getPath().value());

        response.setStatusCode(problem.status());
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        headers.setContentLength(bytes.length);
        if (problem.retryAfter() != null) {
            headers.set(HttpHeaders.RETRY_AFTER,
                    Long.toString(Math.max(1, (problem.retryAfter().toMillis() + 999) / 1000)));
        }
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    /** The problem's JSON; {@code instance}, the request's path, is left out when {@code null}. */
    public byte[] body(Problem problem, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "/problems/" + problem.type());
        body.put("title", problem.status().getReasonPhrase());
        body.put("status", problem.status().value());
        body.put("detail", problem.detail());
        if (instance != null) {
            body.put("instance", instance);
        }
        return json.writeValueAsBytes(body);
    }
}
