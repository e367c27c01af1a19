package com.distpatterns.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform's HTTP edge in a real servlet container: one error mapping (a service's rules before the platform's,
 * causes matched too, anything unmapped a 500 that hides its message) and one bounded body reader. Here on Tomcat,
 * which most services run on; {@link HttpEdgeOnJettyTest} runs the same cases on Jetty (cache-service).
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEdgeTest {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static ConfigurableApplicationContext context;
    private static HttpClient http;
    private static int port;

    /** A service's own refusal, and one its rule takes only sometimes. */
    static class OutOfStockException extends RuntimeException {
        OutOfStockException(String message) {
            super(message);
        }
    }

    record Order(String item, Integer quantity, List<Integer> sizes) {}

    @RestController
    static class Endpoints {
        private final JsonBodies bodies;

        Endpoints(JsonBodies bodies) {
            this.bodies = bodies;
        }

        @PostMapping("/fail/{how}")
        String fail(@PathVariable String how) {
            switch (how) {
                case "illegal-argument" -> throw new IllegalArgumentException("internal detail: index 7 out of bounds");
                case "api" -> throw ApiException.conflict("already-there", "It is already there.");
                case "service" -> throw new OutOfStockException("No more red ones.");
                case "wrapped" ->
                    throw new IllegalStateException("wrapper", new OutOfStockException("No more blue ones."));
                case "store" -> throw new DataAccessResourceFailureException("connection refused 10.0.0.7:6379");
                default -> throw new NullPointerException("internal detail: field x");
            }
        }

        @PostMapping("/orders")
        Order order(@RequestBody Order order) {
            return order;
        }

        @PostMapping("/raw")
        String raw(HttpServletRequest request) throws IOException {
            return new String(bodies.readJsonValue(request, 16, () -> ApiException.payloadTooLarge("over 16")),
                    StandardCharsets.UTF_8);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {
        @Bean
        Endpoints endpoints(JsonBodies bodies) {
            return new Endpoints(bodies);
        }

        @Bean
        ExceptionProblems serviceProblems() {
            return ExceptionProblems.service()
                    .on(OutOfStockException.class,
                            e -> new ApiException(HttpStatus.CONFLICT, "out-of-stock", e.getMessage()))
                    .build();
        }
    }

    static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";
    static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

    /** Both containers are on this module's class path: the one not under test is left out. */
    String otherContainer() {
        return JETTY;
    }

    String expectedServer() {
        return "TomcatWebServer";
    }

    @BeforeAll
    void start() {
        context = new SpringApplicationBuilder(Application.class).run("--server.port=0",
                "--eureka.client.enabled=false",
                "--spring.cloud.discovery.enabled=false", "--spring.application.name=edge-test",
                "--platform.http.max-request-body=64B", "--spring.autoconfigure.exclude=" + otherContainer());
        var server = ((WebServerApplicationContext) context).getWebServer();
        assertThat(server.getClass().getSimpleName()).isEqualTo(expectedServer());
        port = server.getPort();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    private record Reply(int status, String contentType, JsonNode body) {
        String field(String name) {
            return body.path(name).asString("");
        }
    }

    private static Reply post(String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(body).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body()));
    }

    private static Reply post(String path, String body) throws Exception {
        return post(path, HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void anUnexpectedIllegalArgumentIsA500ThatHidesItsMessageAndIsLogged(CapturedOutput output) throws Exception {
        Reply reply = post("/fail/illegal-argument", "");
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.field("type")).isEqualTo("/problems/internal-error");
        assertThat(reply.body().toString()).doesNotContain("index 7");
        assertThat(output.getOut()).contains("Unhandled exception answered as 500").contains("index 7 out of bounds");
    }

    @Test
    void aDeliberateRefusalKeepsItsStatusTypeAndDetail() throws Exception {
        Reply reply = post("/fail/api", "");
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.field("type")).isEqualTo("/problems/already-there");
        assertThat(reply.field("detail")).isEqualTo("It is already there.");
    }

    @Test
    void aServiceRuleMapsItsExceptionAndItsExceptionAsACause() throws Exception {
        Reply direct = post("/fail/service", "");
        assertThat(direct.status()).isEqualTo(409);
        assertThat(direct.field("type")).isEqualTo("/problems/out-of-stock");
        assertThat(direct.field("detail")).isEqualTo("No more red ones.");
        Reply wrapped = post("/fail/wrapped", "");
        assertThat(wrapped.status()).isEqualTo(409);
        assertThat(wrapped.field("detail")).isEqualTo("No more blue ones.");
    }

    @Test
    void anUnreachableStoreIsA503ThatDoesNotNameTheHost() throws Exception {
        Reply reply = post("/fail/store", "");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.field("type")).isEqualTo("/problems/store-unavailable");
        assertThat(reply.body().toString()).doesNotContain("10.0.0.7");
    }

    @Test
    void anythingElseIsA500ThatHidesItsMessage() throws Exception {
        Reply reply = post("/fail/other", "");
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.body().toString()).doesNotContain("field x");
    }

    @Test
    void aWrongTypedFieldIsA400NamingTheFieldAndTheKindOfValue() throws Exception {
        Reply number = post("/orders", "{\"item\":\"cup\",\"quantity\":\"many\"}");
        assertThat(number.status()).isEqualTo(400);
        assertThat(number.contentType()).startsWith("application/problem+json");
        assertThat(number.field("detail")).contains("'quantity' must be a number").doesNotContain("java.");
        Reply element = post("/orders", "{\"sizes\":[1,\"x\"]}");
        assertThat(element.field("detail")).contains("'sizes[1]' must be a number");
        Reply array = post("/orders", "{\"sizes\":{}}");
        assertThat(array.field("detail")).contains("'sizes' must be an array");
        Reply malformed = post("/orders", "{\"item\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.field("type")).isEqualTo("/problems/unreadable-body");
    }

    @Test
    void aPathTheContainerCannotDecodeIsA400ProblemNotItsHtmlPage() throws Exception {
        // The container refuses this before any application sees it; an HTTP client library would not even send it.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /orders/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
            assertThat(head).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/problem+json");
            JsonNode body = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(body.path("status").asInt()).isEqualTo(400);
            assertThat(body.path("title").asString()).isEqualTo("Bad Request");
            assertThat(body.path("detail").asString()).isEqualTo("The request could not be parsed.");
        }
    }

    @Test
    void afterA413TheClientsNextCallsAreAnswered() throws Exception {
        // The refused body is read and dropped, so the connection the client reuses still carries its next call;
        // on Jetty without that, the next call failed now and then ("header parser received no bytes").
        String big = "{\"item\":\"" + "x".repeat(1_500_000) + "\"}";
        for (int round = 0; round < 10; round++) {
            assertThat(post("/orders", big).status()).isEqualTo(413);
            assertThat(post("/orders", "{\"item\":\"cup\",\"quantity\":2}").status()).isEqualTo(200);
        }
    }

    @Test
    void aRequestBodyOverTheBoundIs413WhetherItsLengthIsDeclaredOrNot() throws Exception {
        String big = "{\"item\":\"" + "x".repeat(100) + "\"}";
        Reply declared = post("/orders", big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.field("type")).isEqualTo("/problems/payload-too-large");
        assertThat(declared.field("detail")).contains("larger than 64 bytes");
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
        Reply chunked = post("/orders",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
        assertThat(chunked.status()).isEqualTo(413);
        Reply fits = post("/orders", "{\"item\":\"cup\",\"quantity\":2}");
        assertThat(fits.status()).isEqualTo(200);
        assertThat(fits.body().get("quantity").asInt()).isEqualTo(2);
    }

    @Test
    void aRawBodyIsOneJsonValueWithinItsOwnBound() throws Exception {
        assertThat(post("/raw", "[1, 2]").status()).isEqualTo(200);
        for (String bad : List.of("", "{", "[1] [2]", "nope")) {
            Reply reply = post("/raw", bad);
            assertThat(reply.status()).as(bad).isEqualTo(400);
            assertThat(reply.field("type")).as(bad).isEqualTo("/problems/invalid-json");
        }
        Reply large = post("/raw", "\"" + "x".repeat(20) + "\"");
        assertThat(large.status()).isEqualTo(413);
        assertThat(Map.of("detail", large.field("detail"))).containsEntry("detail", "over 16");
    }
}
