package com.distpatterns.gateway.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Answers a request that Netty's HTTP decoder refused (a request line or headers over the server's limits, or bytes
 * that are not an HTTP request) with a problem, as every service answers its own container's refusals. Reactor Netty
 * answers such a request itself, before any of Spring's code runs, with a bare 414, 431 or 400 and no body; a handler
 * right after the decoder takes the refused request first and answers it with the same status and a body that says
 * which limit it crossed. The connection is closed after the answer, as Reactor Netty closes it: the decoder discards
 * whatever follows a refused request.
 */
public final class RefusedRequestProblem implements NettyServerCustomizer {

    private final ProblemWriter problems;

    public RefusedRequestProblem(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, "distpatterns.refusedRequestProblem",
                        new Answer(problems));
            }
        });
    }

    /** What the decoder's failure means to the caller; the title is RFC 9110's (Netty's 414 is "Request-URI Too Long"). */
    private static Problem problem(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new Problem(HttpStatus.URI_TOO_LONG, "uri-too-long",
                    "The request line (method, path with its query, version) is over this gateway's limit: "
                            + cause.getMessage());
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Problem(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large",
                    "The request's headers are over this gateway's limit: " + cause.getMessage());
        }
        return new Problem(HttpStatus.BAD_REQUEST, "unparsable-request", cause instanceof TooLongFrameException
                ? "The request is over this gateway's limits: " + cause.getMessage()
                : "The request is not valid HTTP/1.1.");
    }

    /** One per connection: after a refused request it drops the rest of what the decoder passes on. */
    private static final class Answer extends ChannelInboundHandlerAdapter {

        private final ProblemWriter problems;
        private boolean refused;

        Answer(ProblemWriter problems) {
            this.problems = problems;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg);
            } else if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
                refused = true;
                Problem problem = problem(request.decoderResult().cause());
                ReferenceCountUtil.release(msg);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(problem.status().value()),
                        Unpooled.wrappedBuffer(problems.body(problem, null)));
                response.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
