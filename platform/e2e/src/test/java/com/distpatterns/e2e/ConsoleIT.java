package com.distpatterns.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The console at the gateway's {@code /console}, in headless Chromium driven by Selenium, against the suite the
 * harness started: no mocked data. A failing test leaves a screenshot in {@code target/console-<test>.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith({SharedSuite.class, ConsoleIT.ScreenshotOnFailure.class})
@Order(Integer.MAX_VALUE - 1) // before SuiteIT, whose last test restarts services
class ConsoleIT {

    static final String GATEWAY = SharedSuite.GATEWAY;
    static final String KEY = SharedSuite.KEY;
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Path TARGET = Path.of("target");

    static WebDriver browser;
    static Path profile;

    private static HttpResponse<String> call(String method, String path, String body)
            throws IOException, InterruptedException {
        return SuiteIT.call(method, path, body);
    }

    private static JsonNode body(HttpResponse<String> response, int expectedStatus) {
        return SuiteIT.body(response, expectedStatus);
    }

    @BeforeAll
    static void openBrowser() throws IOException {
        String chromedriver = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        String chromium = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        assertThat(chromedriver).as("chromedriver (Debian's chromium-driver package; .ci/run installs it)").isNotNull();
        assertThat(chromium).as("chromium (Debian's chromium package; .ci/run installs it)").isNotNull();
        profile = Files.createTempDirectory("console-it-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    @Order(1)
    void withoutAKeyThePageAsksForOneAndShowsNoData() throws Exception {
        assumeTrue(!KEY.isEmpty(), "the suite under test has no API keys");
        HttpResponse<String> stream = http.send(HttpRequest.newBuilder(URI.create(GATEWAY + "/api/console/stream"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).isEqualTo(401);
        assertThat(stream.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));

        browser.get(GATEWAY + "/console");
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        until(Duration.ofSeconds(10), () -> browser.findElement(By.id("key-form")).isDisplayed());
        assertThat(browser.findElement(By.id("data")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#instances tbody tr"))).isEmpty();
        assertThat(browser.findElement(By.id("status")).getText()).containsIgnoringCase("API key");

        browser.findElement(By.id("api-key")).sendKeys("not-" + KEY);
        browser.findElement(By.id("key-submit")).click();
        until(Duration.ofSeconds(10), () -> browser.findElement(By.id("key-error")).getText().contains("refused"));
        assertThat(browser.findElement(By.id("data")).isDisplayed()).isFalse();
    }

    @Test
    @Order(2)
    void everyInstanceIsUpAndThreeConsensusNodesHaveExactlyOneLeader() {
        openWithKey();
        until(Duration.ofSeconds(60), () -> {
            List<WebElement> instances = browser.findElements(By.cssSelector("#instances tbody tr"));
            Set<String> services = instances.stream().map(row -> row.getAttribute("data-service"))
                    .collect(Collectors.toSet());
            boolean allUp = !instances.isEmpty()
                    && instances.stream().allMatch(row -> "UP".equals(row.getAttribute("data-health")));
            return allUp && services.containsAll(Set.of("gateway", "cache-service", "lock-service", "task-service",
                    "event-service", "consensus-service"));
        });
        until(Duration.ofSeconds(30), () -> {
            List<WebElement> nodes = browser.findElements(By.cssSelector("#consensus tbody tr"));
            return nodes.size() == 3
                    && nodes.stream().allMatch(row -> "true".equals(row.getAttribute("data-reachable")))
                    && nodes.stream().filter(row -> "LEADER".equals(row.getAttribute("data-role"))).count() == 1;
        });
        assertThat(text(By.cssSelector("#instances tbody tr td:nth-child(3)")))
                .as("a text label, not only a colour")
                .isEqualTo("up");
    }

    @Test
    @Order(3)
    void aLockAppearsWithItsFencingTokenWithinTwoSecondsAndGoesWhenReleased() throws Exception {
        openWithKey();
        until(Duration.ofSeconds(30), () -> browser.findElement(By.id("data")).isDisplayed());
        String name = "console-" + RUN;
        JsonNode lease = body(
                call("POST", "/api/locks/" + name + "/acquire", "{\"ttlMs\":30000,\"owner\":\"console-it\"}"), 200);
        By row = By.cssSelector("#locks tbody tr[data-lock='" + name + "']");
        until(Duration.ofSeconds(2), () -> !browser.findElements(row).isEmpty());
        assertThat(text(By.cssSelector("#locks tbody tr[data-lock='" + name + "'] .token")))
                .isEqualTo(Long.toString(lease.get("fencingToken").asLong()));
        assertThat(text(row)).contains("console-it");
        String token = Long.toString(lease.get("fencingToken").asLong());
        By granted = By.cssSelector(
                "#lock-changes li[data-lock='" + name + "'][data-change='granted'][data-token='" + token + "']");
        until(Duration.ofSeconds(2), () -> !browser.findElements(granted).isEmpty());

        assertThat(call("POST", "/api/locks/" + name + "/release",
                "{\"leaseId\":\"" + lease.get("leaseId").asString() + "\"}")
                .statusCode()).isEqualTo(204);
        until(Duration.ofSeconds(2), () -> browser.findElements(row).isEmpty());
        By released = By.cssSelector(
                "#lock-changes li[data-lock='" + name + "'][data-change='released'][data-token='" + token + "']");
        until(Duration.ofSeconds(2), () -> !browser.findElements(released).isEmpty());
    }

    @Test
    @Order(4)
    void aBatchOf200TasksShowsAProgressBarThatReaches100Percent() throws Exception {
        openWithKey();
        String items = IntStream.rangeClosed(1, 200).mapToObj(Integer::toString).collect(Collectors.joining(","));
        JsonNode batch = body(
                call("POST", "/api/batches", "{\"type\":\"transform\",\"items\":[" + items + "],\"chunkSize\":1}"),
                202);
        assertThat(batch.get("tasks").asInt()).isEqualTo(200);
        By bar = By.cssSelector("#batches [data-batch='" + batch.get("id").asString() + "']");
        until(Duration.ofSeconds(90), () -> !browser.findElements(bar).isEmpty()
                && "100".equals(browser.findElement(bar).getAttribute("data-percent")));
        By progress = By.cssSelector("#batches [data-batch='" + batch.get("id").asString() + "'] progress");
        assertThat(attribute(progress, "value")).isEqualTo("200");
        assertThat(attribute(progress, "max")).isEqualTo("200");
        assertThat(text(bar)).contains("100 %");
        By transformRate = By.cssSelector("#task-types tr[data-type='transform'] .rate-success");
        until(Duration.ofSeconds(5), () -> !browser.findElements(transformRate).isEmpty()
                && Double.parseDouble(browser.findElement(transformRate).getText()) > 0);
        screenshot("console-overview"); // what docs/console.md shows
    }

    @Test
    @Order(5)
    void theTailShowsUserCreatedUnderUserStarAndNotOrderCreated() throws Exception {
        tail("user.*");
        By users = By.cssSelector("#tail li[data-type='user.created']");
        // The stream's binding exists only once the page is connected: publish until the first event is seen.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (browser.findElements(users).isEmpty() && System.nanoTime() < deadline) {
            body(call("POST", "/api/events/order.created", "{\"run\":\"" + RUN + "\"}"), 202);
            body(call("POST", "/api/events/user.created", "{\"run\":\"" + RUN + "\"}"), 202);
            Thread.sleep(500);
        }
        int seen = browser.findElements(users).size();
        assertThat(seen).as("user.created in the tail").isPositive();
        body(call("POST", "/api/events/order.created", "{\"run\":\"" + RUN + "\",\"last\":true}"), 202);
        body(call("POST", "/api/events/user.created", "{\"run\":\"" + RUN + "\",\"last\":true}"), 202);
        until(Duration.ofSeconds(5), () -> browser.findElements(users).size() > seen);
        assertThat(text(users)).contains(RUN);
        assertThat(browser.findElements(By.cssSelector("#tail li[data-type='order.created']"))).isEmpty();
    }

    @Test
    @Order(6)
    void aFrozenConsensusNodeShowsUnreachableAndTheLeaderChangesThenItRejoins() throws Exception {
        assumeTrue(SharedSuite.started(), "freezing a node needs the suite this run started");
        openWithKey();
        until(Duration.ofSeconds(30),
                () -> browser.findElements(By.cssSelector("#consensus tbody tr[data-role='LEADER']")).size() == 1);
        String leader = attribute(By.cssSelector("#consensus tbody tr[data-role='LEADER']"), "data-node");
        long pid = SharedSuite.suite().pid("consensus-" + leader);
        signal("STOP", pid);
        try {
            until(Duration.ofSeconds(10),
                    () -> browser.findElements(By.cssSelector("#consensus tbody tr[data-reachable='false']"))
                            .stream().anyMatch(row -> row.getText().contains("unreachable")));
            until(Duration.ofSeconds(30), () -> browser.findElements(By.cssSelector("#leader-changes li")).stream()
                    .anyMatch(change -> leader.equals(change.getAttribute("data-from"))
                            && !"null".equals(change.getAttribute("data-to"))));
            screenshot("console-leader-change");
        } finally {
            signal("CONT", pid);
        }
        until(Duration.ofSeconds(60), () -> {
            List<WebElement> nodes = browser.findElements(By.cssSelector("#consensus tbody tr"));
            return nodes.stream().filter(row -> "true".equals(row.getAttribute("data-reachable"))).count() == 3
                    && nodes.stream().filter(row -> "LEADER".equals(row.getAttribute("data-role"))).count() == 1
                    && nodes.stream().anyMatch(row -> leader.equals(row.getAttribute("data-node")));
        });
    }

    /**
     * A connection that dies without a word (a laptop that slept, a network that changed) must not leave the page
     * showing its last snapshot as live: a frozen gateway keeps the connection open and sends nothing, as such a
     * connection does. The page gives it up after five seconds of silence and reconnects once the gateway answers.
     */
    @Test
    @Order(7)
    void aStreamThatFallsSilentIsShownDisconnectedAndThePageReconnects() throws Exception {
        assumeTrue(SharedSuite.started(), "freezing the gateway needs the suite this run started");
        openWithKey();
        By status = By.id("status");
        until(Duration.ofSeconds(30), () -> "live".equals(attribute(status, "data-state")));
        long gateway = SharedSuite.suite().pid("gateway");
        signal("STOP", gateway);
        try {
            until(Duration.ofSeconds(10), () -> "error".equals(attribute(status, "data-state")));
            assertThat(text(status)).contains("no snapshot for 5 s");
            screenshot("console-silent-stream");
        } finally {
            signal("CONT", gateway);
        }
        until(Duration.ofSeconds(30), () -> "live".equals(attribute(status, "data-state")));
    }

    /**
     * The tail outlives the event-service instance it reads from: killed, the stream breaks and the tail says it is
     * disconnected; started again by the run command, the tail reconnects by itself, marks the gap (the stream is live
     * only, so what was published meanwhile is not shown) and shows new events again.
     */
    @Test
    @Order(8)
    void theTailReconnectsAfterTheEventServiceRestartsAndMarksTheGap() throws Exception {
        assumeTrue(SharedSuite.started(), "restarting event-service needs the suite this run started");
        tail("user.*");
        By status = By.id("tail-status");
        By users = By.cssSelector("#tail li[data-type='user.created']");
        publishUntilSeen(users, "before");

        LocalSuite suite = SharedSuite.suite();
        long events = suite.pid("event-service");
        ProcessHandle.of(events).orElseThrow().destroyForcibly();
        until(Duration.ofSeconds(30), () -> "error".equals(attribute(status, "data-state")));
        assertThat(text(status)).startsWith("disconnected (").endsWith("retrying");
        assertThat(suite.startAgain()).as("scripts/run-local.sh start after kill -9:%n%s", suite.logs()).isZero();

        until(Duration.ofSeconds(120), () -> "live".equals(attribute(status, "data-state")));
        assertThat(text(By.cssSelector("#tail li.gap"))).startsWith("reconnected at ")
                .endsWith("events published while disconnected are not shown");
        publishUntilSeen(By.xpath("//ol[@id='tail']/li[@data-type='user.created'][contains(., 'after-" + RUN + "')]"),
                "after");
        screenshot("console-tail-reconnected");
        // Newest first: the event after the restart is above the gap, the one before it below.
        List<String> items = browser.findElements(By.cssSelector("#tail li")).stream()
                .map(item -> "gap".equals(item.getAttribute("class")) ? "gap" : item.getAttribute("data-type"))
                .toList();
        assertThat(items.indexOf("gap")).isPositive().isLessThan(items.lastIndexOf("user.created"));
    }

    /**
     * A key the gateway stops accepting (revoked, say) stops the tail and the suite's stream at their next connection,
     * and the page asks for a key; once one is entered, the tail comes back on its pattern by itself, as the suite's
     * stream does, instead of waiting for the user to tail it again.
     */
    @Test
    @Order(9)
    void aTailStoppedForARefusedKeyComesBackOnceAKeyIsEntered() throws Exception {
        assumeTrue(!KEY.isEmpty(), "the suite under test has no API keys");
        tail("user.*");
        By status = By.id("tail-status");
        until(Duration.ofSeconds(30), () -> "live".equals(attribute(status, "data-state")));
        // Each stream opened again with a key the gateway refuses, as after a revocation: the tail first, then the
        // suite's stream (which asks for a key and hides the data, the tail's form with it).
        ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("sessionStorage.setItem('console.apiKey', 'not-' + arguments[0])", KEY);
        browser.findElement(By.id("tail-start")).click();
        until(Duration.ofSeconds(10), () -> "auth".equals(attribute(status, "data-state")));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("watchSuite()");
        until(Duration.ofSeconds(10), () -> browser.findElement(By.id("key-form")).isDisplayed());

        browser.findElement(By.id("api-key")).sendKeys(KEY);
        browser.findElement(By.id("key-submit")).click();
        until(Duration.ofSeconds(30), () -> "live".equals(attribute(By.id("status"), "data-state")));
        until(Duration.ofSeconds(30), () -> "live".equals(attribute(status, "data-state")));
        assertThat(text(status)).isEqualTo("tailing user.*");
        publishUntilSeen(By.xpath("//ol[@id='tail']/li[@data-type='user.created'][contains(., 'rekeyed-" + RUN + "')]"),
                "rekeyed");
    }

    /** Publishes user.created until the tail shows an element the locator finds: its binding exists only once connected. */
    private static void publishUntilSeen(By locator, String when) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (browser.findElements(locator).isEmpty() && System.nanoTime() < deadline) {
            body(call("POST", "/api/events/user.created", "{\"run\":\"" + when + "-" + RUN + "\"}"), 202);
            Thread.sleep(500);
        }
        assertThat(browser.findElements(locator)).as("user.created (%s) in the tail", when).isNotEmpty();
    }

    /** Opens the console with the key and tails the events matching the pattern, as a user types it. */
    private static void tail(String topicPattern) {
        openWithKey();
        until(Duration.ofSeconds(30), () -> browser.findElement(By.id("data")).isDisplayed());
        WebElement pattern = browser.findElement(By.id("tail-pattern"));
        pattern.clear();
        pattern.sendKeys(topicPattern);
        browser.findElement(By.id("tail-start")).click();
    }

    private static void openWithKey() {
        browser.get(GATEWAY + "/console");
        if (!KEY.isEmpty()) {
            ((org.openqa.selenium.JavascriptExecutor) browser)
                    .executeScript("sessionStorage.setItem('console.apiKey', arguments[0])", KEY);
            browser.navigate().refresh();
        }
    }

    /**
     * The text of the element the locator finds, found again if the console re-rendered it between the finding and
     * the reading (its tables are redrawn on each update of the stream).
     */
    private static String text(By locator) {
        return read(() -> browser.findElement(locator).getText());
    }

    /** An attribute of the element the locator finds, found again if the console re-rendered it meanwhile. */
    private static String attribute(By locator, String name) {
        return read(() -> browser.findElement(locator).getAttribute(name));
    }

    private static String read(java.util.function.Supplier<String> reading) {
        return new WebDriverWait(browser, Duration.ofSeconds(5), Duration.ofMillis(50))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(driver -> reading.get());
    }

    private static void until(Duration timeout, java.util.function.Supplier<Boolean> condition) {
        new WebDriverWait(browser, timeout, Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(driver -> condition.get());
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
    }

    static void screenshot(String name) throws IOException {
        if (browser instanceof org.openqa.selenium.TakesScreenshot camera) {
            Files.createDirectories(TARGET);
            Path shot = camera.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, TARGET.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String firstExisting(String... paths) {
        for (String path : paths) {
            if (Files.isExecutable(Path.of(path))) {
                return path;
            }
        }
        return null;
    }

    /** Saves what the browser showed when a test failed, next to the reports. */
    static final class ScreenshotOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            try {
                screenshot("console-" + context.getRequiredTestMethod().getName());
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
