package com.distpatterns.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The top-level docker-compose.yml checked against the applications the same way as the Kubernetes manifests,
 * without running it (scripts/compose-smoke.sh runs it): as a fresh clone without a .env file would start it.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Project PROJECT = Project.at(ROOT);
    /** Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}; $$ is a literal $. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");
    private static final Pattern ADDRESS = Pattern
            .compile("(?:[a-z][a-z0-9+.-]*://)?([a-z0-9][a-z0-9.-]*):(\\d+)(?:/.*)?");
    private static final Pattern PEER_ID = Pattern.compile("(\\d+)=(.+)");
    /**
     * What the issue allows on the host: the gateway, the Eureka dashboard and RabbitMQ's management UI; with the
     * observability profile, the UIs of Prometheus, Grafana and Jaeger.
     */
    private static final Set<String> PUBLISHED = Set.of("gateway", "registry", "rabbitmq", "prometheus", "grafana",
            "jaeger");

    private static Map<String, ComposeService> services;

    /** One compose service, with the module its image runs when it is one of the project's applications. */
    private record ComposeService(String name, Optional<String> module, Map<String, String> environment,
            Map<String, Object> definition) {}

    @BeforeAll
    static void readComposeFile() throws IOException {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            // SnakeYAML resolves the file's anchors and `<<` merge keys, as compose does.
            compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        Map<String, String> imageModules = new LinkedHashMap<>();
        Map<String, Object> definitions = map(compose.get("services"));
        definitions.forEach((name, definition) -> {
            Map<String, Object> service = map(definition);
            Object build = service.get("build");
            if (build != null) {
                Object module = map(map(build).get("args")).get("MODULE");
                imageModules.put(String.valueOf(service.get("image")), String.valueOf(module));
            }
        });
        services = new LinkedHashMap<>();
        definitions.forEach((name, definition) -> {
            Map<String, Object> service = map(definition);
            Map<String, String> environment = new LinkedHashMap<>();
            map(service.get("environment"))
                    .forEach((key, value) -> environment.put(key, interpolate(String.valueOf(value))));
            Optional<String> module = Optional.ofNullable(imageModules.get(String.valueOf(service.get("image"))))
                    .filter(m -> PROJECT.application(m).isPresent());
            services.put(name, new ComposeService(name, module, environment, service));
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    /** As `docker compose up` in a fresh clone: no .env, so every variable takes its default. */
    private static String interpolate(String value) {
        Matcher matcher = INTERPOLATION.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(resolved,
                    Matcher.quoteReplacement(matcher.group(2) == null ? "" : matcher.group(2)));
        }
        return matcher.appendTail(resolved).toString().replace("$$", "$");
    }

    private static List<ComposeService> applications() {
        return services.values().stream().filter(service -> service.module().isPresent()).toList();
    }

    private static ApplicationConfig config(ComposeService service) {
        return ApplicationConfig.of(PROJECT, PROJECT.application(service.module().orElseThrow()).orElseThrow());
    }

    @Test
    void everyApplicationRunsInCompose() {
        Set<String> running = new TreeSet<>();
        applications().forEach(service -> running.add(service.module().orElseThrow()));
        assertThat(running).containsAll(PROJECT.applications().stream().map(Project.Module::artifactId).toList());
    }

    @Test
    void applicationsAreGivenOnlyVariablesTheyReadAndEveryOneTheyNeed() {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : applications()) {
            ApplicationConfig config = config(service);
            service.environment().keySet().stream().filter(name -> !config.reads(name))
                    .forEach(name -> problems
                            .add(service.name() + ": sets " + name + ", which " + config.name() + " does not read"));
            config.requiredVariables().stream().filter(name -> !service.environment().containsKey(name))
                    .forEach(name -> problems.add(service.name() + ": " + config.name() + " needs " + name));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void healthchecksCallTheReadinessGroupOnThePortTheApplicationListensOn() {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : applications()) {
            ApplicationConfig config = config(service);
            String test = String.valueOf(map(service.definition().get("healthcheck")).get("test"));
            // The test runs in the container's shell, where $${PORT} (compose's escape) is $PORT from its environment.
            String port = service.environment().getOrDefault("PORT", "${PORT}");
            String expanded = test.replace("$$", "$").replace("${PORT}", port).replace("$PORT", port);
            String url = "http://localhost:" + config.managementPort(service.environment()) + config.readinessPath();
            if (!expanded.contains(url)) {
                problems.add(service.name() + ": the healthcheck " + test + " does not call " + url);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void addressesNameComposeServicesAndThePortsTheyListenOn() {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : applications()) {
            service.environment().forEach((name, value) -> {
                if (name.endsWith("_HOST") && !services.containsKey(value)) {
                    problems.add(service.name() + ": " + name + "=" + value + " is no compose service");
                }
                for (String item : value.split(",")) {
                    Matcher peer = PEER_ID.matcher(item);
                    Matcher address = ADDRESS.matcher(peer.matches() ? peer.group(2) : item);
                    if (address.matches()) {
                        checkAddress(address.group(1), Integer.parseInt(address.group(2)))
                                .ifPresent(problem -> problems
                                        .add(service.name() + ": " + name + " item " + item + ": " + problem));
                    }
                    if (peer.matches() && name.endsWith("_PEERS")) {
                        String prefix = name.substring(0, name.length() - "_PEERS".length());
                        boolean own = address.matches() && address.group(1).equals(service.name());
                        if (own && !peer.group(1).equals(service.environment().get(prefix + "_NODE_ID"))) {
                            problems.add(service.name() + ": " + name + " gives it the id " + peer.group(1) + ", its "
                                    + prefix
                                    + "_NODE_ID is " + service.environment().get(prefix + "_NODE_ID"));
                        }
                    }
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    /** The service exists and, when it runs one of the applications, listens on that port (HTTP or a *_PORT). */
    private static Optional<String> checkAddress(String host, int port) {
        ComposeService target = services.get(host);
        if (target == null) {
            return Optional.of("no compose service named " + host);
        }
        if (target.module().isEmpty()) {
            return Optional.empty();
        }
        Set<Integer> ports = new TreeSet<>();
        ports.add(config(target).port(target.environment()));
        target.environment().forEach((name, value) -> {
            if (name.endsWith("_PORT") && value.matches("\\d+")) {
                ports.add(Integer.parseInt(value));
            }
        });
        return ports.contains(port) ? Optional.empty() : Optional.of(host + " listens on " + ports + ", not " + port);
    }

    @Test
    void onlyTheGatewayTheDashboardAndTheManagementUiArePublished() {
        Set<String> published = new TreeSet<>();
        services.values().stream().filter(service -> service.definition().containsKey("ports"))
                .forEach(service -> published.add(service.name()));
        assertThat(published).isEqualTo(new TreeSet<>(PUBLISHED));
    }

    @Test
    void everyContainerHasAHealthcheckAndWaitsForHealthyDependencies() {
        List<String> problems = new ArrayList<>();
        for (ComposeService service : services.values()) {
            if (!service.definition().containsKey("healthcheck")) {
                problems.add(service.name() + ": no healthcheck");
            }
            map(service.definition().get("depends_on")).forEach((dependency, condition) -> {
                if (!services.containsKey(dependency)) {
                    problems.add(service.name() + ": depends on " + dependency + ", which is no service");
                } else if (!"service_healthy".equals(map(condition).get("condition"))) {
                    problems.add(service.name() + ": does not wait for " + dependency + " to be healthy");
                }
            });
            if (service.module().isPresent() && !service.name().equals("registry")
                    && !map(service.definition().get("depends_on")).containsKey("registry")) {
                problems.add(service.name() + ": starts before the registry it registers with is healthy");
            }
        }
        assertThat(problems).isEmpty();
    }
}
