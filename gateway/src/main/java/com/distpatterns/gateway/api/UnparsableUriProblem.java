package com.distpatterns.gateway.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Answers a request whose URI Spring WebFlux cannot parse (a malformed percent-escape such as {@code /api/kv/%zz})
 * with a 400 problem. Spring's adapter refuses such a request before any filter or handler runs, with a bare 400 and
 * no body; this writes the body once the adapter is done, only when nothing has been sent yet.
 */
public final class UnparsableUriProblem implements NettyServerCustomizer {

    private static final Problem PROBLEM = new Problem(HttpStatus.BAD_REQUEST, "unparsable-uri",
            "The request's URI could not be parsed: a path or query needs valid percent-escapes "
                    + "(%XX, two hex digits) for any character outside RFC 3986.");

    /** Written once: the problem has no instance, since the path is what could not be read. */
    private final byte[] body;

    public UnparsableUriProblem(ProblemWriter problems) {
        this.body = problems.body(PROBLEM, null);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.mapHandle((handled, connection) -> handled.then(Mono.defer(() -> answer(connection))));
    }

    private Mono<Void> answer(Connection connection) {
        if (connection instanceof HttpServerResponse response && !response.hasSentHeaders()
                && HttpResponseStatus.BAD_REQUEST.equals(response.status())) {
            return response.header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                    .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                    .sendByteArray(Mono.just(body)).then();
        }
        return Mono.empty();
    }
}
