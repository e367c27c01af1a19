package com.distpatterns.cache.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.cache.core.CacheName;
import com.distpatterns.cache.core.CacheStore;
import com.distpatterns.cache.core.EntryKey;
import jakarta.servlet.FilterChain;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which GETs the direct path answers itself and which it leaves to Spring MVC, on the service's own context and a
 * real Redis. {@code CacheApiTest} and {@code CacheApiThroughMvcTest} check that both doors answer alike.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK, properties = "spring.data.redis.timeout=5s")
class EntryDirectPathTest {

    private static final String PREFIX = "test-" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void uniqueKeys(DynamicPropertyRegistry registry) {
        registry.add("cache.key-prefix", () -> PREFIX);
    }

    @Autowired
    FilterRegistrationBean<EntryDirectPath> registration;

    @Autowired
    CacheStore store;

    @Autowired
    JsonMapper json;

    String cache;

    @BeforeEach
    void setUp() {
        cache = "c-" + UUID.randomUUID();
        store.put(new CacheName(cache), new EntryKey("a b/c"), "{\"x\":1}".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(100));
    }

    /** The response, or null when the request went on down the chain (to MVC). */
    private MockHttpServletResponse send(String method, String uri, String accept) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        if (accept != null) {
            request.addHeader("Accept", accept);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        boolean[] passedOn = {false};
        FilterChain chain = (req, res) -> passedOn[0] = true;
        registration.getFilter().doFilter(request, response, chain);
        return passedOn[0] ? null : response;
    }

    @Test
    void aPlainGetIsAnsweredFromTheStore() throws Exception {
        for (String accept : new String[] {null, "application/json", "*/*", "text/html, application/*;q=0.8"}) {
            MockHttpServletResponse hit = send("GET", "/api/caches/" + cache + "/entries/a%20b%2Fc", accept);

            assertThat(hit).as("answered, Accept: %s", accept).isNotNull();
            assertThat(hit.getStatus()).isEqualTo(200);
            assertThat(hit.getContentType()).isEqualTo("application/json");
            assertThat(hit.getContentAsString()).isEqualTo("{\"x\":1}");
            assertThat(hit.getContentLength()).isEqualTo(7);
            assertThat(Long.parseLong(hit.getHeader("Cache-TTL-Remaining"))).isBetween(99L, 100L);
        }
    }

    @Test
    void refusalsAreTheProblemsMvcWouldAnswer() throws Exception {
        assertProblem(send("GET", "/api/caches/" + cache + "/entries/missing", null), 404, "/problems/entry-not-found");
        assertProblem(send("GET", "/api/caches/sl%2Fash/entries/k", null), 400, "/problems/invalid-cache-name");
        assertProblem(send("GET", "/api/caches/" + cache + "/entries/" + "%E2%82%AC".repeat(171), null), 400,
                "/problems/invalid-key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /api/caches/{c}/entries/a;b", "GET /api/caches/{c}/entries/a/b",
            "GET /api/caches/{c}/entries/", "GET /api/caches/{c}/entries/..", "GET /api/caches/{c}/entries/%2E%2E",
            "GET /api/caches/{c}/entries/bad%zz", "GET /api/caches//entries/k", "GET /api/caches/{c}",
            "GET /api/caches/{c}/other/k", "GET /api/caches", "HEAD /api/caches/{c}/entries/k",
            "PUT /api/caches/{c}/entries/k", "DELETE /api/caches/{c}/entries/k"})
    void everyOtherShapeGoesOnToMvc(String call) throws Exception {
        String[] methodAndUri = call.replace("{c}", cache).split(" ");

        assertThat(send(methodAndUri[0], methodAndUri[1], null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/problem+json", "application/xml"})
    void anAnswerThatCannotBeJsonIsMvcs406(String accept) throws Exception {
        assertThat(send("GET", "/api/caches/" + cache + "/entries/a%20b%2Fc", accept)).isNull();
    }

    private void assertProblem(MockHttpServletResponse answer, int status, String type) throws Exception {
        assertThat(answer).as("answered, not passed on").isNotNull();
        assertThat(answer.getStatus()).isEqualTo(status);
        assertThat(answer.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = json.readTree(answer.getContentAsString());
        assertThat(problem.get("type").asString()).isEqualTo(type);
    }
}
