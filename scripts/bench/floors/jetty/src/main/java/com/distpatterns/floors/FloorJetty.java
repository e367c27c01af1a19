package com.distpatterns.floors;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The container under cache-service's near-cache hit and nothing else: Jetty's servlet layer on virtual threads, as
 * Spring Boot runs cache-service ({@code spring.threads.virtual.enabled}), with one servlet that stores an entry's bytes
 * on PUT and answers its GET from a map. No Spring, no filters, no validation, statistics, metrics, tracing or
 * error mapping: what is left is what Jetty and the JVM cost per request on this machine.
 */
public final class FloorJetty {

    private FloorJetty() {}

    public static void main(String[] args) throws Exception {
        VirtualThreadPool threads = new VirtualThreadPool();
        threads.setName("jetty-");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        // As Spring Boot's Jetty answers: no Server header.
        connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration().setSendServerVersion(false);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(System.getenv().getOrDefault("PORT", "18997")));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new Entries(), "/api/caches/*");
        server.setHandler(context);
        server.start();
        server.join();
    }

    /** {@code /api/caches/{cache}/entries/{key}}: PUT stores the body, GET answers it, 404 when absent. */
    private static final class Entries extends HttpServlet {

        private final transient Map<String, byte[]> entries = new ConcurrentHashMap<>();

        @Override
        protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
            entries.put(request.getRequestURI(), request.getInputStream().readAllBytes());
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] json = entries.get(request.getRequestURI());
            if (json == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            response.setContentType("application/json");
            response.setContentLength(json.length);
            response.getOutputStream().write(json);
        }
    }
}
