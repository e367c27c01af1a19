package com.distpatterns.gateway.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
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
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a request that Netty's HTTP decoder refused (a request line or headers over the server's limits, or bytes
 * that are not an HTTP request) with a problem, as every service answers its own container's refusals. Reactor Netty
 * answers such a request itself, before any of Spring's code runs, with a bare 414, 431 or 400 and no body; a handler
 * right after the decoder takes the refused request first and answers it with the same status and a body that says
 * which limit it crossed. The connection is closed after the answer, as Reactor Netty closes it: the decoder discards
 * whatever follows a refused request.
 */
public final class RefusedRequestProblem implements NettyServerCustomizer {

    static final String HANDLER = "distpatterns.refusedRequestProblem";

    private final JsonMapper json;

    public RefusedRequestProblem(JsonMapper json) {
        this.json = json;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(HANDLER) == null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, new Answer(json));
            }
        });
    }

    /** One per connection: after a refused request it drops the rest of what the decoder passes on. */
    private static final class Answer extends ChannelInboundHandlerAdapter {

        private final JsonMapper json;
        private boolean refused;

        Answer(JsonMapper json) {
            this.json = json;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg);
            } else if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
                refused = true;
                Throwable cause = request.decoderResult().cause();
                ReferenceCountUtil.release(msg);
                ctx.writeAndFlush(answer(cause)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        private FullHttpResponse answer(Throwable cause) {
            HttpResponseStatus status;
            String type;
            String detail;
            if (cause instanceof TooLongHttpLineException) {
                status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
                type = "uri-too-long";
                detail = "The request line (method, path with its query, version) is over this gateway's limit: "
                        + cause.getMessage();
            } else if (cause instanceof TooLongHttpHeaderException) {
                status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
                type = "headers-too-large";
                detail = "The request's headers are over this gateway's limit: " + cause.getMessage();
            } else {
                status = HttpResponseStatus.BAD_REQUEST;
                type = "unparsable-request";
                detail = cause instanceof TooLongFrameException
                        ? "The request is over this gateway's limits: " + cause.getMessage()
                        : "The request is not valid HTTP/1.1.";
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", "/problems/" + type);
            // RFC 9110's reason phrases, as the services' problems have them (Netty's 414 is "Request-URI Too Long").
            body.put("title", HttpStatus.valueOf(status.code()).getReasonPhrase());
            body.put("status", status.code());
            body.put("detail", detail);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(json.writeValueAsBytes(body)));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return response;
        }
    }
}
