package com.distpatterns.platform.service;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers errors raised outside Spring MVC (the servlet container's own 400s and 404s) as problem+json
 * instead of Boot's whitelabel page.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        return Problems.response(Problems.detail(status, null, detail(status)), null);
    }

    /**
     * The body of an error the container answers itself, before any application sees the request (Tomcat's
     * {@link ProblemErrorReportValve}, Jetty's {@link ProblemJettyErrorHandler}). Title and detail are fixed text of
     * our own, so nothing in them needs JSON escaping.
     */
    static String containerProblem(int code) {
        HttpStatus status = HttpStatus.resolve(code);
        String title = status != null ? status.getReasonPhrase() : "Error";
        String detail = status != null ? detail(status) : title + ".";
        return "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + code + ",\"detail\":\"" + detail
                + "\"}";
    }

    /** What an error of the container's says to the caller. */
    static String detail(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "No resource at this path.";
            case BAD_REQUEST -> "The request could not be parsed.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed on this path.";
            case CONTENT_TOO_LARGE -> "The request body is too large.";
            default -> status.is5xxServerError()
                    ? "The service failed unexpectedly; the error is logged."
                    : status.getReasonPhrase() + ".";
        };
    }
}
