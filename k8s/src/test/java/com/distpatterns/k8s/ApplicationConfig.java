package com.distpatterns.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What one application reads from its environment, learned from its own configuration files (and those of the
 * project modules it depends on, such as the platform's defaults) and from the Spring Boot starters it uses.
 *
 * @param name         the module's artifactId
 * @param defaults     the properties in force without a profile, the application's own over its dependencies'
 * @param keys         every property key any of its files sets, under any profile
 * @param placeholders every environment variable a file refers to as {@code ${NAME}} or {@code ${NAME:default}}
 * @param starterVariables Spring Boot's own variables for the starters it uses (SPRING_DATA_REDIS_HOST, ...)
 */
record ApplicationConfig(String name, Map<String, String> defaults, Set<String> keys,
        Map<String, Placeholder> placeholders, Set<String> starterVariables) {

    /** {@code ${variable}} or {@code ${variable:defaultValue}}; a null default means the variable is required. */
    record Placeholder(String variable, String defaultValue) {

        boolean required() {
            return defaultValue == null;
        }
    }

    /** Read by every Spring Boot application and every JVM, whatever its configuration says. */
    private static final Set<String> ALWAYS_READ = Set.of("SPRING_PROFILES_ACTIVE", "JAVA_TOOL_OPTIONS");

    /** Spring Boot's connection settings, as environment variables, for the starters that read them. */
    private static final Map<String, List<String>> STARTER_VARIABLES = Map.of(
            "spring-boot-starter-data-redis", redis(),
            "spring-boot-starter-data-redis-reactive", redis(),
            "spring-boot-starter-amqp",
            List.of("SPRING_RABBITMQ_HOST", "SPRING_RABBITMQ_PORT", "SPRING_RABBITMQ_USERNAME",
                    "SPRING_RABBITMQ_PASSWORD", "SPRING_RABBITMQ_VIRTUALHOST", "SPRING_RABBITMQ_SSL_ENABLED"));

    private static List<String> redis() {
        return List.of("SPRING_DATA_REDIS_HOST", "SPRING_DATA_REDIS_PORT", "SPRING_DATA_REDIS_USERNAME",
                "SPRING_DATA_REDIS_PASSWORD", "SPRING_DATA_REDIS_DATABASE", "SPRING_DATA_REDIS_SSL_ENABLED");
    }

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    static ApplicationConfig of(Project project, Project.Module application) {
        // Dependencies first, so the application's own files override their defaults.
        List<Project.Module> sources = new ArrayList<>(reactorDependencies(project, application));
        sources.add(application);

        Map<String, String> defaults = new LinkedHashMap<>();
        Set<String> keys = new TreeSet<>();
        Set<String> starterVariables = new TreeSet<>();
        for (Project.Module module : sources) {
            for (Path file : Project.configurationFiles(module.resources())) {
                for (ConfigDocument document : read(file)) {
                    keys.addAll(document.properties().keySet());
                    if (!document.profileSpecific()) {
                        defaults.putAll(document.properties());
                    }
                }
            }
            for (String dependency : module.dependencies()) {
                starterVariables.addAll(STARTER_VARIABLES.getOrDefault(dependency, List.of()));
            }
        }
        Map<String, Placeholder> placeholders = new LinkedHashMap<>();
        for (Project.Module module : sources) {
            for (Path file : Project.configurationFiles(module.resources())) {
                for (ConfigDocument document : read(file)) {
                    for (String value : document.properties().values()) {
                        for (Placeholder placeholder : placeholdersIn(value)) {
                            if (isEnvironmentVariable(placeholder.variable())) {
                                placeholders.merge(placeholder.variable(), placeholder,
                                        (first, second) -> first.required() ? second : first);
                            }
                        }
                    }
                }
            }
        }
        return new ApplicationConfig(application.artifactId(), Map.copyOf(defaults), Set.copyOf(keys),
                Map.copyOf(placeholders), Set.copyOf(starterVariables));
    }

    /** Whether setting this environment variable changes anything in the application. */
    boolean reads(String variable) {
        return ALWAYS_READ.contains(variable)
                || placeholders.containsKey(variable)
                || starterVariables.contains(variable)
                || keys.stream().anyMatch(key -> environmentNames(key).contains(variable));
    }

    /**
     * The variables a container must set: those without a default, and those whose default points at this same
     * machine (EUREKA_URL's localhost, the starters' host names), which in a container reaches nothing.
     */
    Set<String> requiredVariables() {
        Set<String> required = new TreeSet<>();
        placeholders.values().stream()
                .filter(p -> p.required() || p.defaultValue().contains("localhost")
                        || p.defaultValue().contains("127.0.0.1"))
                .forEach(p -> required.add(p.variable()));
        starterVariables.stream().filter(variable -> variable.endsWith("_HOST")).forEach(required::add);
        return required;
    }

    /** Everything it reads, for failure messages. */
    Set<String> readVariables() {
        Set<String> all = new TreeSet<>(ALWAYS_READ);
        all.addAll(placeholders.keySet());
        all.addAll(starterVariables);
        return all;
    }

    /** The HTTP port, given the container's environment. */
    int port(Map<String, String> environment) {
        return Integer.parseInt(resolve(defaults.getOrDefault("server.port", "8080"), environment));
    }

    /** The port the actuator answers on: the HTTP port unless a separate management port is configured. */
    int managementPort(Map<String, String> environment) {
        String managementPort = defaults.get("management.server.port");
        return managementPort == null ? port(environment) : Integer.parseInt(resolve(managementPort, environment));
    }

    String livenessPath() {
        return healthGroupPath("liveness");
    }

    String readinessPath() {
        return healthGroupPath("readiness");
    }

    private String healthGroupPath(String group) {
        if (!"true".equals(defaults.get("management.endpoint.health.probes.enabled"))) {
            throw new AssertionError(name + " does not enable management.endpoint.health.probes: it has no "
                    + group + " group for a probe to call");
        }
        String basePath = defaults.getOrDefault("management.endpoints.web.base-path", "/actuator");
        return basePath + "/health/" + group;
    }

    /** A value with its placeholders replaced: from the environment, else their defaults, else other properties. */
    String resolve(String value, Map<String, String> environment) {
        StringBuilder resolved = new StringBuilder();
        int at = 0;
        while (true) {
            int start = value.indexOf("${", at);
            if (start < 0) {
                return resolved.append(value.substring(at)).toString();
            }
            int end = closingBrace(value, start);
            resolved.append(value, at, start);
            Placeholder placeholder = parse(value.substring(start + 2, end));
            String replacement = environment.get(placeholder.variable());
            if (replacement == null) {
                replacement = defaults.get(placeholder.variable());
            }
            if (replacement == null && placeholder.defaultValue() != null) {
                replacement = resolve(placeholder.defaultValue(), environment);
            }
            if (replacement == null) {
                throw new AssertionError(name + ": nothing sets " + placeholder.variable());
            }
            resolved.append(replacement);
            at = end + 1;
        }
    }

    /**
     * The environment variables Spring Boot's relaxed binding maps to a property: server.port is SERVER_PORT;
     * events.webhooks.allowed-hosts is EVENTS_WEBHOOKS_ALLOWEDHOSTS or, the legacy form, EVENTS_WEBHOOKS_ALLOWED_HOSTS.
     */
    static Set<String> environmentNames(String key) {
        String underscored = key.replaceAll("\\[(\\d+)]", ".$1").replace('.', '_').toUpperCase(Locale.ROOT);
        return new HashSet<>(List.of(underscored.replace("-", ""), underscored.replace('-', '_')));
    }

    private static boolean isEnvironmentVariable(String name) {
        return name.matches("[A-Z][A-Z0-9_]*");
    }

    static List<Placeholder> placeholdersIn(String value) {
        List<Placeholder> found = new ArrayList<>();
        int at = 0;
        while (true) {
            int start = value.indexOf("${", at);
            if (start < 0) {
                return found;
            }
            int end = closingBrace(value, start);
            Placeholder placeholder = parse(value.substring(start + 2, end));
            found.add(placeholder);
            if (placeholder.defaultValue() != null) {
                found.addAll(placeholdersIn(placeholder.defaultValue()));
            }
            at = end + 1;
        }
    }

    private static Placeholder parse(String inside) {
        int colon = inside.indexOf(':');
        return colon < 0 ? new Placeholder(inside, null)
                : new Placeholder(inside.substring(0, colon), inside.substring(colon + 1));
    }

    private static int closingBrace(String value, int start) {
        int depth = 0;
        for (int i = start; i < value.length(); i++) {
            if (value.startsWith("${", i)) {
                depth++;
                i++;
            } else if (value.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        throw new AssertionError("unclosed placeholder in: " + value);
    }

    private static List<Project.Module> reactorDependencies(Project project, Project.Module module) {
        Set<Project.Module> found = new LinkedHashSet<>();
        for (String dependency : module.dependencies()) {
            project.module(dependency).ifPresent(dependencyModule -> {
                found.addAll(reactorDependencies(project, dependencyModule));
                found.add(dependencyModule);
            });
        }
        return List.copyOf(found);
    }

    /** One YAML document or properties file, flattened to Spring's property keys. */
    private record ConfigDocument(Map<String, String> properties, boolean profileSpecific) {}

    private static List<ConfigDocument> read(Path file) {
        String fileName = file.getFileName().toString();
        // application-local.yml and the like apply only under their profile.
        boolean profileFile = fileName.matches("application-.+\\..+");
        try {
            if (fileName.endsWith(".properties")) {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
                Map<String, String> flat = new LinkedHashMap<>();
                properties.stringPropertyNames().forEach(key -> flat.put(key, properties.getProperty(key)));
                return List.of(new ConfigDocument(flat, profileFile));
            }
            List<ConfigDocument> documents = new ArrayList<>();
            try (MappingIterator<JsonNode> nodes = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (nodes.hasNextValue()) {
                    JsonNode node = nodes.nextValue();
                    Map<String, String> flat = new LinkedHashMap<>();
                    flatten("", node, flat);
                    boolean activatedByProfile = flat.keySet().stream()
                            .anyMatch(key -> key.startsWith("spring.config.activate."));
                    documents.add(new ConfigDocument(flat, profileFile || activatedByProfile));
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isContainer() && node.isEmpty()) {
            // `allowed-hosts: []` still declares the property, and an environment variable can fill it.
            into.put(prefix, "");
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), into);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), into);
            }
        } else {
            into.put(prefix, node.asString());
        }
    }
}
