package com.distpatterns.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import com.distpatterns.cache.config.CacheServiceProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The cache API against a real Redis, as a client uses it. */
// A generous Redis timeout: this shared machine is often overloaded, and the outage test checks the real 1 s.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.data.redis.timeout=5s", "cache.flush-batch-size=50", CacheApiTest.UNIQUE_KEYS})
class CacheApiTest {

    /** A key prefix of the context's own, bound once: a subclass's context never sees this one's caches. */
    static final String UNIQUE_KEYS = "cache.key-prefix=test-${random.uuid}:";

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    RedisConnectionFactory redis;

    @Autowired
    CacheServiceProperties properties;

    @Autowired
    MeterRegistry meters;

    CacheClient client;
    String cache;

    @BeforeEach
    void setUp() {
        client = new CacheClient(port);
        cache = "c-" + UUID.randomUUID();
    }

    /**
     * {@code logback.events} comes from platform-metrics' appender: Logback holds no turbo filter to ask on every one of
     * Jetty's level checks (with Boot's {@code LogbackMetrics}, Logback took 6.8 % of this service's samples on a hot GET;
     * 4.7 % without).
     */
    @Test
    void logEventsAreCountedWithoutATurboFilterInLogback() {
        assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getTurboFilterList()).isEmpty();
        double before = warnings();
        LoggerFactory.getLogger(CacheApiTest.class).warn("one warning, counted in logback.events");
        assertThat(warnings() - before).isGreaterThanOrEqualTo(1);
    }

    private double warnings() {
        return meters.get("logback.events").tag("level", "warn").counter().count();
    }

    static Stream<Arguments> jsonOfEveryKind() {
        return Stream.of(
                Arguments.of("object", "{\"name\":\"alice\", \"tags\" : [\"a\"],\"nested\":{\"x\":1.50}}"),
                Arguments.of("array", "[1, \"two\", 3.0, true, null, {}]"),
                Arguments.of("string", "\"just a string\""),
                Arguments.of("number", "-12.5e3"),
                Arguments.of("null", "null"),
                Arguments.of("boolean", "false"),
                Arguments.of("unicode", "{\"greeting\":\"Grüße, 世界 🌍\",\"escaped\":\"\\u00e9\\n\"}"),
                Arguments.of("1 MiB", oneMebibyteOfJson()));
    }

    /** A JSON string of exactly 1 MiB, the largest value allowed. */
    static String oneMebibyteOfJson() {
        char[] text = new char[1024 * 1024 - 2];
        Arrays.fill(text, 'x');
        return "\"" + new String(text) + "\"";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonOfEveryKind")
    void aValueComesBackByteForByte(String kind, String value) {
        byte[] sent = value.getBytes(StandardCharsets.UTF_8);

        assertThat(client.put("/api/caches/" + cache + "/entries/k", sent).statusCode()).isEqualTo(204);
        HttpResponse<byte[]> read = client.getBytes("/api/caches/" + cache + "/entries/k");

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(read.body()).isEqualTo(sent);
    }

    @Test
    void redisHoldsTheJsonBytesUnderTheCachesHashTag() {
        client.put(cache, "user:1", "{\"a\": 1}");

        try (RedisConnection connection = redis.getConnection()) {
            byte[] stored = connection.stringCommands()
                    .get((properties.keyPrefix() + "{" + cache + "}:e:user:1").getBytes(StandardCharsets.UTF_8));
            assertThat(stored).isEqualTo("{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void keysMayBeAnyUtf8UpTo512Bytes() {
        String key = "ключ €".repeat(42) + "ab"; // 42 * 12 + 2 = 506 bytes of UTF-8
        String longest = "€".repeat(170) + "ab"; // 512 bytes

        assertThat(client.put(cache, key, "1").statusCode()).isEqualTo(204);
        assertThat(client.put(cache, longest, "2").statusCode()).isEqualTo(204);

        assertThat(client.get("/api/caches/" + cache + "/entries/" + CacheClient.encode(key)).body()).isEqualTo("1");
        assertThat(client.get("/api/caches/" + cache + "/entries/" + CacheClient.encode(longest)).body())
                .isEqualTo("2");
    }

    @Test
    void keysMayHoldSlashesBackslashesAndSpaces() {
        String key = "users/42\\profile ?#%";

        assertThat(client.put(cache, key, "\"slashed\"").statusCode()).isEqualTo(204);

        assertThat(client.get("/api/caches/" + cache + "/entries/" + CacheClient.encode(key)).body())
                .isEqualTo("\"slashed\"");
        assertThat(client.get("/api/caches/" + cache + "/entries/users").statusCode()).isEqualTo(404);
    }

    @Test
    void theTtlIsReportedAndHonoured() throws InterruptedException {
        client.put("/api/caches/" + cache + "/entries/short?ttlSeconds=1", "1".getBytes(StandardCharsets.UTF_8));
        client.put("/api/caches/" + cache + "/entries/long?ttlSeconds=2592000", "2".getBytes(StandardCharsets.UTF_8));
        client.put(cache, "default", "3");

        assertThat(ttlRemaining("long")).isBetween(2_591_990L, 2_592_000L);
        assertThat(ttlRemaining("default")).isBetween(3_590L, 3_600L);
        assertThat(ttlRemaining("short")).isEqualTo(1L);
        assertThat(statistics().get("entries").asLong()).isEqualTo(3);

        Thread.sleep(1_100);

        assertThat(client.get("/api/caches/" + cache + "/entries/short").statusCode()).isEqualTo(404);
        assertThat(statistics().get("entries").asLong()).as("an expired entry no longer counts").isEqualTo(2);
    }

    @Test
    void aPutReplacesTheValueAndItsTtl() {
        client.put("/api/caches/" + cache + "/entries/k?ttlSeconds=100", "1".getBytes(StandardCharsets.UTF_8));
        client.put("/api/caches/" + cache + "/entries/k?ttlSeconds=5000", "[2]".getBytes(StandardCharsets.UTF_8));

        assertThat(client.get("/api/caches/" + cache + "/entries/k").body()).isEqualTo("[2]");
        assertThat(ttlRemaining("k")).isGreaterThan(4_000L);
        assertThat(statistics().get("entries").asLong()).isEqualTo(1);
    }

    @Test
    void deleteRemovesAnEntryAndIsIdempotent() {
        client.put(cache, "k", "1");

        assertThat(client.delete("/api/caches/" + cache + "/entries/k").statusCode()).isEqualTo(204);
        assertThat(client.delete("/api/caches/" + cache + "/entries/k").statusCode()).isEqualTo(204);
        assertThat(client.delete("/api/caches/" + cache + "/entries/never-was").statusCode()).isEqualTo(204);

        HttpResponse<String> gone = client.get("/api/caches/" + cache + "/entries/k");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertProblem(gone, 404, "/problems/entry-not-found");
        assertThat(statistics().get("entries").asLong()).isZero();
    }

    @Test
    void flushingOneCacheRemovesAllItsEntriesInBatchesAndLeavesOtherCachesAlone() {
        String other = cache + ".other";
        int entries = 123; // more than two SCAN/UNLINK batches of 50
        for (int i = 0; i < entries; i++) {
            client.put(cache, "k" + i, Integer.toString(i));
        }
        client.put(other, "k1", "\"keep me\"");
        client.put(other, "k2", "\"and me\"");

        assertThat(statistics().get("entries").asLong()).isEqualTo(entries);
        assertThat(client.delete("/api/caches/" + cache).statusCode()).isEqualTo(204);

        assertThat(statistics().get("entries").asLong()).isZero();
        assertThat(client.get("/api/caches/" + cache + "/entries/k0").statusCode()).isEqualTo(404);
        assertThat(client.get("/api/caches/" + cache + "/entries/k122").statusCode()).isEqualTo(404);
        assertThat(client.get("/api/caches/" + other + "/entries/k1").body()).isEqualTo("\"keep me\"");
        assertThat(client.get("/api/caches/" + other + "/entries/k2").body()).isEqualTo("\"and me\"");
        assertThat(json.readTree(client.get("/api/caches/" + other).body()).get("entries").asLong()).isEqualTo(2);
        assertThat(client.delete("/api/caches/" + cache).statusCode()).as("flushing an empty cache").isEqualTo(204);
    }

    @Test
    void statisticsCountHitsAndMisses() {
        client.put(cache, "k", "1");
        client.get("/api/caches/" + cache + "/entries/k");
        client.get("/api/caches/" + cache + "/entries/k");
        client.get("/api/caches/" + cache + "/entries/k");
        client.get("/api/caches/" + cache + "/entries/missing");

        JsonNode statistics = statistics();

        assertThat(statistics.get("name").asString()).isEqualTo(cache);
        assertThat(statistics.get("hits").asLong()).isEqualTo(3);
        assertThat(statistics.get("misses").asLong()).isEqualTo(1);
        assertThat(statistics.get("hitRatio").asDouble()).isEqualTo(0.75);
        assertThat(statistics.get("entries").asLong()).isEqualTo(1);
    }

    @Test
    void cachesAreListedInNameOrderWithTheirStatisticsAPageAtATime() {
        // Names that sort before the other tests' "c-<uuid>" caches under this class's own key prefix.
        client.put("0list-a", "k1", "1");
        client.put("0list-a", "k2", "2");
        client.get("/api/caches/0list-a/entries/k1");
        client.get("/api/caches/0list-a/entries/nope");
        client.put("0list-b", "k", "1");
        client.get("/api/caches/0list-b/entries/k");
        client.delete("/api/caches/0list-b");
        client.put("0list-c", "k", "1");
        client.delete("/api/caches/0list-c"); // no entries and no statistics left: not a cache to list

        JsonNode first = json.readTree(client.get("/api/caches?limit=1").body());
        assertThat(first.get("caches")).hasSize(1);
        JsonNode a = first.get("caches").get(0);
        assertThat(a.get("name").asString()).isEqualTo("0list-a");
        assertThat(a.get("entries").asLong()).isEqualTo(2);
        assertThat(a.get("hits").asLong()).isEqualTo(1);
        assertThat(a.get("misses").asLong()).isEqualTo(1);
        assertThat(a.get("hitRatio").asDouble()).isEqualTo(0.5);
        assertThat(first.get("next").asString()).isEqualTo("0list-a");

        JsonNode second = json.readTree(client.get("/api/caches?limit=1&cursor=0list-a").body());
        assertThat(second.get("caches").get(0).get("name").asString()).as("a flushed cache keeps its statistics")
                .isEqualTo("0list-b");
        assertThat(second.get("caches").get(0).get("entries").asLong()).isZero();
        assertThat(second.get("caches").get(0).get("hits").asLong()).isEqualTo(1);

        JsonNode all = json.readTree(client.get("/api/caches?limit=500").body());
        assertThat(all.get("next").isNull()).isTrue();
        assertThat(all.findValuesAsString("name")).startsWith("0list-a", "0list-b").doesNotContain("0list-c")
                .isSorted();

        assertProblem(client.get("/api/caches?limit=0"), 400, "/problems/invalid-limit");
        assertProblem(client.get("/api/caches?limit=501"), 400, "/problems/invalid-limit");
        assertProblem(client.get("/api/caches?limit=ten"), 400, "/problems/invalid-limit");
        assertProblem(client.get("/api/caches?cursor=a%7Bb"), 400, "/problems/invalid-cache-name");
    }

    @Test
    void aCacheNeverUsedHasZeroStatistics() {
        JsonNode statistics = statistics();

        assertThat(statistics.get("hits").asLong()).isZero();
        assertThat(statistics.get("misses").asLong()).isZero();
        assertThat(statistics.get("hitRatio").asDouble()).isZero();
        assertThat(statistics.get("entries").asLong()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"has%20space", "br%7Bace%7D", "c%3Ab", "sl%2Fash",
            "way-too-long-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void aBadCacheNameIs400(String badName) {
        assertProblem(client.put("/api/caches/" + badName + "/entries/k", "1".getBytes(StandardCharsets.UTF_8)), 400,
                "/problems/invalid-cache-name");
        assertProblem(client.get("/api/caches/" + badName + "/entries/k"), 400, "/problems/invalid-cache-name");
        assertProblem(client.get("/api/caches/" + badName), 400, "/problems/invalid-cache-name");
        assertProblem(client.delete("/api/caches/" + badName), 400, "/problems/invalid-cache-name");
    }

    @Test
    void aKeyOver512BytesIs400() {
        String tooLong = "€".repeat(171); // 513 bytes

        assertProblem(client.put(cache, tooLong, "1"), 400, "/problems/invalid-key");
        assertProblem(client.get("/api/caches/" + cache + "/entries/" + CacheClient.encode(tooLong)), 400,
                "/problems/invalid-key");
    }

    @Test
    void aValueOver1MebibyteIs413WithOrWithoutContentLength() {
        byte[] tooLarge = (oneMebibyteOfJson() + " ").getBytes(StandardCharsets.UTF_8);

        assertProblem(client.put("/api/caches/" + cache + "/entries/k", tooLarge), 413, "/problems/value-too-large");

        HttpResponse<String> chunked = client.send(HttpRequest
                .newBuilder(client.uri("/api/caches/" + cache + "/entries/k"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(tooLarge))));
        assertProblem(chunked, 413, "/problems/value-too-large");
        assertThat(client.get("/api/caches/" + cache + "/entries/k").statusCode()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{bad", "{\"a\":1", "1 2", "{} {}", "'single'", "undefined", "[1,]", "\"\\x\""})
    void aValueThatIsNotJsonIs400(String notJson) {
        assertProblem(client.put("/api/caches/" + cache + "/entries/k", notJson.getBytes(StandardCharsets.UTF_8)), 400,
                "/problems/invalid-json");
    }

    @Test
    void aValueThatIsNotUtf8Is400() {
        byte[] latin1 = "\"caf\u00e9\"".getBytes(StandardCharsets.ISO_8859_1);

        assertProblem(client.put("/api/caches/" + cache + "/entries/k", latin1), 400, "/problems/invalid-json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "2592001", "abc", "1.5", ""})
    void aTtlOutOfRangeIs400(String ttl) {
        HttpResponse<String> answer = client.put("/api/caches/" + cache + "/entries/k?ttlSeconds=" + ttl,
                "1".getBytes(StandardCharsets.UTF_8));

        assertProblem(answer, 400, "/problems/invalid-ttl");
        assertThat(client.get("/api/caches/" + cache + "/entries/k").statusCode()).isEqualTo(404);
    }

    @Test
    void aSquareOfSomethingThatIsNotANumberIs400() {
        assertProblem(client.get("/api/compute/square/seven"), 400, "/problems/invalid-argument");
    }

    @Test
    void anEntryGetIsMeasuredUnderItsRoutePattern() throws InterruptedException {
        client.put(cache, "k", "1");
        assertThat(client.get("/api/caches/" + cache + "/entries/k").statusCode()).isEqualTo(200);
        assertThat(client.get("/api/caches/" + cache + "/entries/missing").statusCode()).isEqualTo(404);

        for (String status : new String[] {"200", "404"}) {
            // The observation stops once the response is complete, which may be just after the client has it.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (entryGets(status) == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(entryGets(status)).as("GET %s measured under its route pattern", status).isNotNull();
        }
        assertThat(meters.find("http.server.requests.active").longTaskTimer())
                .as("no second, long-task timer per call (platform-defaults.properties)").isNull();
    }

    private Timer entryGets(String status) {
        return meters.find("http.server.requests").tags("method", "GET", "status", status, "uri",
                "/api/caches/{cache}/entries/{key}").timer();
    }

    @Test
    void theOpenApiDocumentDescribesTheCacheApi() {
        HttpResponse<String> document = client.get("/v3/api-docs");

        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).contains("/api/caches/{cache}/entries/{key}", "/api/caches/{cache}",
                "/api/compute/square/{n}");
    }

    private long ttlRemaining(String key) {
        HttpResponse<String> answer = client.get("/api/caches/" + cache + "/entries/" + key);
        assertThat(answer.statusCode()).isEqualTo(200);
        return Long.parseLong(answer.headers().firstValue("Cache-TTL-Remaining").orElseThrow());
    }

    private JsonNode statistics() {
        HttpResponse<String> answer = client.get("/api/caches/" + cache);
        assertThat(answer.statusCode()).isEqualTo(200);
        return json.readTree(answer.body());
    }

    private void assertProblem(HttpResponse<String> answer, int status, String type) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asString()).isEqualTo(type);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }
}
