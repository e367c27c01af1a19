package com.distpatterns.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ops/prometheus checked by Prometheus's own tool: the compose scrape configuration, the recording and alert
 * rules, and the rules' unit tests (the alerts that matter most, fed made-up series). promtool comes with
 * Debian's {@code prometheus} package; without it the build fails and says so.
 */
class PrometheusRulesTest {

    static final Path PROMETHEUS = Path.of("").toAbsolutePath().getParent().resolve("ops/prometheus");

    static final CommandLineTool PROMTOOL = new CommandLineTool("promtool", "PROMTOOL", """
            promtool is needed to check ops/prometheus (configuration, rules and their unit tests) and was not found
            on the PATH. Install it, then run the build again:
              - Debian/Ubuntu: sudo apt-get install -y prometheus   (promtool comes with it)
              - or put any promtool 2.42 or newer on the PATH (PROMTOOL=/path/to/promtool also works).
            CI (.ci/run) installs it when it is absent.""");

    static List<Path> files(String folder, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(PROMETHEUS.resolve(folder))) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void theScrapeConfigurationIsValid() {
        CommandLineTool.Result result = PROMTOOL.run(PROMETHEUS, "check", "config", "prometheus.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        // check config also checks every rule file the configuration loads: make sure it loaded some.
        assertThat(result.output()).contains("rules found");
    }

    @Test
    void theRulesAreValid() throws IOException {
        checkEach("rules", ".rules.yml", "check", "rules");
    }

    @Test
    void theAlertsPassTheirUnitTests() throws IOException {
        checkEach("tests", ".test.yml", "test", "rules");
    }

    /** promtool COMMAND... FILE for every file of the folder; each must pass. */
    private static void checkEach(String folder, String suffix, String... command) throws IOException {
        List<Path> found = files(folder, suffix);
        assertThat(found).as("%s/*%s", folder, suffix).isNotEmpty();
        for (Path file : found) {
            String[] arguments = Arrays.copyOf(command, command.length + 1);
            arguments[command.length] = PROMETHEUS.relativize(file).toString();
            CommandLineTool.Result result = PROMTOOL.run(PROMETHEUS, arguments);
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("SUCCESS");
        }
    }
}
