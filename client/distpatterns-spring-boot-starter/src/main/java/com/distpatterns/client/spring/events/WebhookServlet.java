package com.distpatterns.client.spring.events;

import com.distpatterns.client.SuiteEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The webhook of this application's durable subscriptions: {@code POST <webhook-path>/<subscription>} with a
 * CloudEvent signed by event-service. A plain servlet rather than a controller, so that it reads the exact bytes
 * that were signed and works in any servlet application (Spring MVC or not).
 *
 * <p>Answers: 204 once the listener method returned (or the event id was handled before); 401 for a missing or
 * wrong signature or a stale timestamp (event-service retries, then dead-letters, so a wrong secret is visible in
 * its dead-letter count); 404 an unknown subscription; 413 a body over the limit; 500 when the method threw, so
 * that event-service delivers the event again with backoff.
 */
final class WebhookServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Log log = LogFactory.getLog(WebhookServlet.class);
    /** event-service's events are at most 1 MiB of data; the envelope adds little. */
    private static final int MAX_BODY = 2 * 1024 * 1024;

    private final transient DurableListeners listeners;

    WebhookServlet(DurableListeners listeners) {
        this.listeners = listeners;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        String name = path == null ? "" : path.substring(1);
        DurableListeners.Endpoint endpoint = listeners.endpoint(name);
        if (endpoint == null) {
            problem(response, 404, "unknown-subscription",
                    "This application has no durable listener for that subscription.");
            return;
        }
        if (!endpoint.ready()) {
            // Not registered yet and no secret from an earlier start: later, not never (event-service retries a 503).
            response.setHeader("Retry-After", "1");
            problem(response, 503, "not-ready", "This application has not registered the subscription yet.");
            return;
        }
        if (request.getContentLengthLong() > MAX_BODY) {
            problem(response, 413, "payload-too-large", "A delivery is at most " + MAX_BODY + " bytes.");
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            problem(response, 413, "payload-too-large", "A delivery is at most " + MAX_BODY + " bytes.");
            return;
        }
        String id = request.getHeader("webhook-id");
        if (!endpoint.verify(id, request.getHeader("webhook-timestamp"), request.getHeader("webhook-signature"),
                body)) {
            endpoint.rejected();
            problem(response, 401, "invalid-signature",
                    "The webhook-signature does not match this subscription's secret, or webhook-timestamp is too old.");
            return;
        }
        SuiteEvent event;
        try {
            event = SuiteEvent.fromEnvelope(body);
        } catch (RuntimeException e) {
            problem(response, 400, "invalid-event", "The body is not a CloudEvents JSON envelope.");
            return;
        }
        try {
            endpoint.deliver(id, event);
        } catch (RuntimeException e) {
            log.warn("Durable listener " + endpoint.describe() + " failed on event " + id + " (" + e
                    + "); event-service will deliver it again");
            problem(response, 500, "listener-failed", "The listener failed; deliver again later.");
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private static void problem(HttpServletResponse response, int status, String type, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        String json = "{\"type\":\"/problems/" + type + "\",\"title\":\"" + type.replace('-', ' ') + "\",\"status\":"
                + status
                + ",\"detail\":\"" + detail + "\"}"; // details are this class's own constant texts: nothing to escape
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }
}
