package com.distpatterns.consensus.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.consensus.core.LocalStore;
import com.distpatterns.platform.service.ApiException;
import jakarta.servlet.FilterChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.ModelAndView;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which requests the direct path answers itself and which it leaves to Spring MVC, and that what it answers is the
 * store's (a real {@link LocalStore}); {@code DirectPathProcessTest} checks that both doors answer alike.
 */
class KvDirectPathTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private LocalStore store;
    private KvDirectPath path;
    private final List<Exception> refused = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        store = new LocalStore(dir);
        path = new KvDirectPath(new KvCalls(store, JSON, Duration.ofSeconds(5)), (request, response, handler, e) -> {
            refused.add(e);
            return new ModelAndView();
        }, () -> Set.of("watch", "compact"));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    /** The response, or null when the request went on down the chain (to MVC). */
    private MockHttpServletResponse send(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        boolean[] passedOn = {false};
        FilterChain chain = (req, res) -> passedOn[0] = true;
        path.doFilter(request, response, chain);
        return passedOn[0] ? null : response;
    }

    private static MockHttpServletRequest request(String method, String uri, String body) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        int query = uri.indexOf('?');
        if (query >= 0) {
            request.setRequestURI(uri.substring(0, query));
            request.setQueryString(uri.substring(query + 1));
            for (String pair : uri.substring(query + 1).split("&")) {
                String[] nameValue = pair.split("=", 2);
                request.addParameter(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
            }
        }
        if (body != null) {
            request.setContent(body.getBytes(StandardCharsets.UTF_8));
        }
        return request;
    }

    private static JsonNode json(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).isEqualTo("application/json");
        assertThat(response.getContentLength()).isEqualTo(response.getContentAsByteArray().length);
        return JSON.readTree(response.getContentAsByteArray());
    }

    @Test
    void answersTheKeyValueCallsFromTheStore() throws Exception {
        long start = store.revisions()[0];
        JsonNode put = json(send(request("PUT", "/api/kv/a%20b", " {\"x\": 1} ")));
        assertThat(put.get("key").asString()).isEqualTo("a b");
        assertThat(put.get("modRevision").asLong()).isEqualTo(start + 1);
        assertThat(put.get("header").get("revision").asLong()).isEqualTo(start + 1);

        JsonNode get = json(send(request("GET", "/api/kv/a%20b", null)));
        assertThat(get.get("value").toString()).isEqualTo("{\"x\":1}");
        assertThat(get.get("version").asLong()).isEqualTo(1);

        json(send(request("PUT", "/api/kv/ab?ifModRevision=0", "2")));
        JsonNode range = json(send(request("GET", "/api/kv?prefix=a&limit=1", null)));
        assertThat(range.get("count").asLong()).isEqualTo(2);
        assertThat(range.get("kvs").get(0).get("key").asString()).isEqualTo("a b");
        assertThat(range.get("more").asBoolean()).isTrue();

        JsonNode txn = json(send(request("POST", "/api/txn", "{\"compare\":[{\"key\":\"ab\",\"target\":\"version\","
                + "\"op\":\"=\",\"value\":1}],\"success\":[{\"delete\":{\"key\":\"ab\"}}]}")));
        assertThat(txn.get("succeeded").asBoolean()).isTrue();

        JsonNode deleted = json(send(request("DELETE", "/api/kv/a%20b", null)));
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThat(refused).isEmpty();
    }

    @Test
    void refusalsGoToTheProblemResolversAndNothingIsWritten() throws Exception {
        long start = store.revisions()[0];
        assertThat(send(request("GET", "/api/kv/missing", null))).isNotNull();
        assertThat(send(request("PUT", "/api/kv/a", "not json"))).isNotNull();
        assertThat(send(request("PUT", "/api/kv/a?ifModRevision=-1", "1"))).isNotNull();
        assertThat(send(request("GET", "/api/kv?prefix=a&from=b", null))).isNotNull();
        assertThat(refused).hasSize(4).allSatisfy(e -> assertThat(e).isInstanceOf(ApiException.class));
        assertThat(refused).extracting(e -> ((ApiException) e).status().value()).containsExactly(404, 400, 400, 400);
        assertThat(store.revisions()[0]).as("nothing written").isEqualTo(start);
    }

    @Test
    void leavesEveryOtherShapeToMvc() throws Exception {
        long start = store.revisions()[0];
        for (MockHttpServletRequest request : List.of(
                request("POST", "/api/kv/a/cas", "{\"expected\":null,\"value\":1}"),
                request("POST", "/api/kv/compact", "{\"revision\":1}"),
                request("PATCH", "/api/kv/a", "1"),
                request("HEAD", "/api/kv/a", null),
                request("POST", "/api/kv", "1"),
                request("GET", "/api/txn", null),
                request("GET", "/api/kv/a;x=1", null),
                request("GET", "/api/kv/a/", null),
                request("GET", "/api/kv/a%2Fb", null),
                request("GET", "/api/kv/%zz", null),
                request("GET", "/api/kv/.", null),
                request("GET", "/api/kv/watch", null),
                request("GET", "/api/kv/w%61tch?prefix=a", null),
                request("PUT", "/api/kv/compact", "1"),
                request("GET", "/api/kv/", null))) {
            assertThat(send(request)).as(request.getMethod() + " " + request.getRequestURI()).isNull();
        }
        MockHttpServletRequest textOnly = request("GET", "/api/kv/a", null);
        textOnly.addHeader("Accept", "text/plain");
        assertThat(send(textOnly)).as("an Accept without JSON: MVC's 406").isNull();
        assertThat(refused).isEmpty();
        assertThat(store.revisions()[0]).isEqualTo(start);
    }

    @Test
    void namesTheRoutePatternForTheRequestMetrics() throws Exception {
        MockHttpServletRequest request = request("PUT", "/api/kv/k", "1");
        MockHttpServletResponse response = new MockHttpServletResponse();
        ServerRequestObservationContext observed = new ServerRequestObservationContext(request, response);
        request.setAttribute(ServerHttpObservationFilter.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE, observed);
        path.doFilter(request, response, (req, res) -> {
            throw new AssertionError("passed on");
        });
        assertThat(observed.getPathPattern()).isEqualTo("/api/kv/{key}");
        MockHttpServletRequest range = request("GET", "/api/kv?prefix=k", null);
        ServerRequestObservationContext rangeObserved = new ServerRequestObservationContext(range, response);
        range.setAttribute(ServerHttpObservationFilter.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE, rangeObserved);
        path.doFilter(range, new MockHttpServletResponse(), (req, res) -> {
            throw new AssertionError("passed on");
        });
        assertThat(rangeObserved.getPathPattern()).isEqualTo("/api/kv");
    }
}
