package com.distpatterns.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the container itself answers, before any controller sees the request: cache-service runs on Jetty, so its
 * refusals must be problem+json as Tomcat's are in the other services, and its keep-alive must outlast the
 * gateway's pooled connections.
 */
// The same context as CacheApiTest's: Spring's test context cache starts it once for both.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.data.redis.timeout=5s", "cache.flush-batch-size=50", CacheApiTest.UNIQUE_KEYS})
class ContainerEdgeTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    WebServerApplicationContext context;

    @Test
    void aPathJettyCannotDecodeIsA400ProblemNotItsHtmlPage() throws IOException {
        String answer = raw("GET /api/caches/c/entries/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 400, "Bad Request", "The request could not be parsed.");
    }

    @Test
    void aPutJettyRefusesGetsTheProblemBodyToo() throws IOException {
        // Jetty's own error handler writes a body for GET, HEAD and POST only.
        String answer = raw(
                "PUT /api/caches/c/entries/%zz HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                        + "\r\nContent-Length: 1\r\nConnection: close\r\n\r\n1");

        assertProblem(answer, 400, "Bad Request", "The request could not be parsed.");
    }

    @Test
    void aHeaderOverJettysBoundIsA431Problem() throws IOException {
        String answer = raw("GET /api/caches/c/entries/k HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "x".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");

        assertProblem(answer, 431, "Request Header Fields Too Large", "Request Header Fields Too Large.");
    }

    @Test
    void anIdleConnectionIsKeptLongerThanTheGatewaysPoolKeepsIt() {
        // The gateway's pool drops a connection idle for 30 s: a server that closed one at the same moment would
        // fail a proxied call now and then ("connection reset"). Tomcat keeps one for 60 s; so does this service.
        Server server = ((JettyWebServer) context.getWebServer()).getServer();

        for (Connector connector : server.getConnectors()) {
            assertThat(connector.getIdleTimeout()).isEqualTo(60_000);
        }
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void assertProblem(String answer, int status, String title, String detail) {
        String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
        assertThat(head).startsWith("HTTP/1.1 " + status)
                .containsIgnoringCase("Content-Type: application/problem+json");
        JsonNode body = json.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asString()).isEqualTo(title);
        assertThat(body.path("detail").asString()).isEqualTo(detail);
    }
}
