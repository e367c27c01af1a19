package com.distpatterns.platform.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers as problem+json instead of its HTML page: what Jetty refuses before any application sees
 * the request (a malformed percent-escape in the path, {@code /api/caches/c/entries/%zz}, or a header too large), so
 * that neither Spring's error handling nor {@link ProblemErrorController} can answer it. The counterpart of
 * {@link ProblemErrorReportValve} for Tomcat, with the same body.
 */
public class ProblemJettyErrorHandler extends ErrorHandler {

    private static final HttpField PROBLEM_JSON = new HttpField(HttpHeader.CONTENT_TYPE,
            "application/problem+json;charset=utf-8");

    /** Every method gets the problem body; Jetty's own answers a PUT or a DELETE with none. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    /** A request that reached the server but no servlet (Jetty's {@code Request.Handler} chain). */
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(PROBLEM_JSON);
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    /** A request Jetty's parser refused: the answer is sent before the connection closes. */
    @Override
    public ByteBuffer badMessageError(int code, String reason, HttpFields.Mutable fields) {
        fields.put(PROBLEM_JSON);
        return ByteBuffer.wrap(body(code));
    }

    private static byte[] body(int code) {
        return ProblemErrorController.containerProblem(code).getBytes(StandardCharsets.UTF_8);
    }
}
