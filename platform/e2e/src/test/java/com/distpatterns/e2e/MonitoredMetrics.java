package com.distpatterns.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The metric names ops/ relies on: every PromQL expression of the Prometheus rules and the Grafana dashboards,
 * reduced to the series names it selects. The end-to-end tests compare them with what the running suite exposes.
 *
 * @param expressions where each expression comes from (file and rule or panel), and the expression
 * @param recorded    the names recording rules define, which no service exposes
 */
record MonitoredMetrics(List<Expression> expressions, Set<String> recorded) {

    /** Series Prometheus makes itself, not scraped from a service. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds",
            "scrape_samples_scraped");

    record Expression(String source, String promql) {}

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

    static MonitoredMetrics read(Path ops) {
        List<Expression> expressions = new ArrayList<>();
        Set<String> recorded = new TreeSet<>();
        YAMLMapper yaml = YAMLMapper.builder().build();
        JsonMapper json = JsonMapper.builder().build();
        for (Path file : files(ops.resolve("prometheus/rules"), ".yml")) {
            for (JsonNode group : yaml.readTree(file.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String name = rule.has("record") ? rule.get("record").asString() : rule.path("alert").asString();
                    if (rule.has("record")) {
                        recorded.add(name);
                    }
                    expressions.add(new Expression(ops.relativize(file) + " " + name, rule.path("expr").asString()));
                }
            }
        }
        for (Path file : files(ops.resolve("grafana/dashboards"), ".json")) {
            for (JsonNode panel : json.readTree(file.toFile()).path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    expressions.add(
                            new Expression(ops.relativize(file) + " panel \"" + panel.path("title").asString() + "\"",
                                    target.path("expr").asString()));
                }
            }
        }
        return new MonitoredMetrics(List.copyOf(expressions), Set.copyOf(recorded));
    }

    /** The series names one PromQL expression selects (functions, keywords, labels and durations left out). */
    static Set<String> seriesNames(String promql) {
        String text = STRING.matcher(promql).replaceAll("\"\"");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGE.matcher(text).replaceAll(" ");
        text = GROUPING.matcher(text).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(text);
        while (identifier.find()) {
            String name = identifier.group(1);
            boolean function = identifier.group(2) != null;
            if (!function && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** The series names a Prometheus text exposition (/actuator/prometheus) has samples of. */
    static Set<String> exposed(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /** The value of a series without labels (or the first one) in an exposition; NaN when it has none. */
    static double value(String exposition, String name) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /** Each expression's names that are neither exposed, recorded nor Prometheus's own, with where it is used. */
    List<String> missingFrom(Set<String> exposed) {
        List<String> missing = new ArrayList<>();
        for (Expression expression : expressions) {
            for (String name : seriesNames(expression.promql())) {
                if (!exposed.contains(name) && !recorded.contains(name) && !PROMETHEUS_OWN.contains(name)) {
                    missing.add(name + " (" + expression.source() + ")");
                }
            }
        }
        return missing;
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
