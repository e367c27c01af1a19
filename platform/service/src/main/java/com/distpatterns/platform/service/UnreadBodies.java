package com.distpatterns.platform.service;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * What is left of a refused request body (a 413) is read and dropped, up to a bound, before the answer is sent, so
 * the connection can carry the caller's next call, as Tomcat does by itself (its {@code maxSwallowSize}). Jetty does
 * not: it closes such a connection, and a client that is still sending, or reuses it, fails instead of reading the
 * 413. Past the bound the answer says {@code Connection: close}.
 */
final class UnreadBodies {

    /** Tomcat's own bound. */
    static final long MAX_DRAINED_BYTES = 2L * 1024 * 1024;

    private UnreadBodies() {}

    static ResponseEntity<ProblemDetail> drained(ResponseEntity<ProblemDetail> answer, HttpServletRequest request) {
        if (answer.getStatusCode().value() != HttpStatus.CONTENT_TOO_LARGE.value()) {
            return answer;
        }
        if (request.getContentLengthLong() <= MAX_DRAINED_BYTES && drain(request)) {
            return answer;
        }
        return ResponseEntity.status(answer.getStatusCode())
                .headers(headers -> {
                    headers.addAll(answer.getHeaders());
                    headers.setConnection("close");
                })
                .body(answer.getBody());
    }

    /** True if the body ended within the bound. */
    private static boolean drain(HttpServletRequest request) {
        byte[] buffer = new byte[16 * 1024];
        long left = MAX_DRAINED_BYTES;
        try {
            InputStream in = request.getInputStream();
            while (left >= 0) {
                int read = in.read(buffer);
                if (read < 0) {
                    return true;
                }
                left -= read;
            }
            return false;
        } catch (IOException | IllegalStateException e) {
            // The caller went away, or the body was taken as a reader: nothing to keep the connection for.
            return false;
        }
    }
}
