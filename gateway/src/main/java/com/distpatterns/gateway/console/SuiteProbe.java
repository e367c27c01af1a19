package com.distpatterns.gateway.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Asks the whole suite how it stands, once per call of {@link #snapshot()}: every registered instance's health,
 * every consensus node's own view, and the listings of locks, caches, subscriptions and recent tasks. Services are
 * called directly (not through the gateway's routes), so the console spends no client's rate limit and trips no
 * breaker; every call has a short time limit, and a service that does not answer is reported, never waited for.
 */
public final class SuiteProbe {

    private static final Logger log = LoggerFactory.getLogger(SuiteProbe.class);
    private static final String CONSENSUS = "consensus-service";
    /** A consensus node that left the registry (frozen, crashed) stays on show, unreachable, this long. */
    private static final Duration REMEMBER_NODE = Duration.ofMinutes(10);
    private static final int RECENT_TASKS = 500;
    private static final int SHOWN_TASKS = 20;
    private static final int SHOWN_BATCHES = 10;

    private final ReactiveDiscoveryClient discovery;
    private final WebClient http;
    private final JsonMapper json;
    private final Duration callTimeout;
    /** Consensus nodes seen, by base URI: when last seen in the registry, and the node id they last reported. */
    private final Map<String, SeenNode> consensusNodes = new ConcurrentHashMap<>();

    private record SeenNode(Instant lastRegistered, long nodeId) {}

    public SuiteProbe(ReactiveDiscoveryClient discovery, WebClient http, JsonMapper json, Duration callTimeout) {
        this.discovery = discovery;
        this.http = http;
        this.json = json;
        this.callTimeout = callTimeout;
    }

    /** One snapshot of the suite as JSON; never fails: what could not be read is said in it. */
    public Mono<ObjectNode> snapshot() {
        return registered().flatMap(instances -> Mono.zip(
                instances(instances),
                consensus(instances),
                listing(instances, "lock-service", "/api/locks?limit=100"),
                listing(instances, "cache-service", "/api/caches?limit=100"),
                listing(instances, "event-service", "/api/subscriptions?limit=100"),
                tasks(instances))
                .map(parts -> {
                    ObjectNode snapshot = json.createObjectNode();
                    snapshot.put("at", Instant.now().toString());
                    snapshot.set("instances", parts.getT1());
                    snapshot.set("consensus", parts.getT2());
                    snapshot.set("locks", parts.getT3());
                    snapshot.set("caches", parts.getT4());
                    snapshot.set("subscriptions", parts.getT5());
                    snapshot.set("tasks", parts.getT6());
                    return snapshot;
                }));
    }

    private Mono<Map<String, List<ServiceInstance>>> registered() {
        return discovery.getServices()
                .flatMap(service -> discovery.getInstances(service).collectList().map(list -> Map.entry(service, list)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
                .map(map -> (Map<String, List<ServiceInstance>>) map)
                .timeout(callTimeout)
                .onErrorResume(e -> {
                    log.debug("Registry not readable for the console: {}", e.toString());
                    return Mono.just(Map.of());
                });
    }

    /** Every registered instance with its health, by service name as the registry lists them (lower case). */
    private Mono<JsonNode> instances(Map<String, List<ServiceInstance>> registered) {
        List<Map.Entry<String, ServiceInstance>> all = registered.entrySet().stream()
                .flatMap(service -> service.getValue().stream().sorted(Comparator.comparing(SuiteProbe::base))
                        .map(instance -> Map.entry(service.getKey(), instance)))
                .toList();
        return Flux.fromIterable(all)
                .flatMapSequential(entry -> health(base(entry.getValue()) + "/actuator/health")
                        .map(health -> {
                            ObjectNode node = describe(entry.getKey(), entry.getValue());
                            node.put("health", health);
                            return node;
                        })
                        .onErrorResume(e -> {
                            ObjectNode node = describe(entry.getKey(), entry.getValue());
                            node.put("health", "UNREACHABLE");
                            node.put("error", reason(e));
                            return Mono.just(node);
                        }))
                .collectList()
                .map(this::array);
    }

    private ObjectNode describe(String service, ServiceInstance instance) {
        ObjectNode node = json.createObjectNode();
        node.put("service", service);
        node.put("instanceId", instance.getInstanceId());
        node.put("uri", base(instance));
        // What the registry hands the gateway's load balancer is what it routes to.
        node.put("routed", true);
        return node;
    }

    /**
     * Every consensus node known: those registered now, and those registered in the last minutes that have left
     * (a frozen node is dropped by the registry, and must still show, unreachable).
     */
    private Mono<JsonNode> consensus(Map<String, List<ServiceInstance>> registered) {
        Instant now = Instant.now();
        for (ServiceInstance instance : registered.getOrDefault(CONSENSUS, List.of())) {
            consensusNodes.compute(base(instance), (uri, seen) -> new SeenNode(now, seen == null ? 0 : seen.nodeId()));
        }
        consensusNodes.entrySet()
                .removeIf(entry -> entry.getValue().lastRegistered().plus(REMEMBER_NODE).isBefore(now));
        Set<String> uris = new LinkedHashSet<>(consensusNodes.keySet());
        return Flux.fromIterable(uris)
                .flatMapSequential(uri -> get(uri + "/api/cluster")
                        .map(view -> {
                            consensusNodes.computeIfPresent(uri,
                                    (u, seen) -> new SeenNode(seen.lastRegistered(), view.path("nodeId").asLong()));
                            ObjectNode node = json.createObjectNode();
                            node.put("uri", uri);
                            node.put("reachable", true);
                            node.set("view", view);
                            return node;
                        })
                        .onErrorResume(e -> {
                            ObjectNode node = json.createObjectNode();
                            node.put("uri", uri);
                            node.put("reachable", false);
                            SeenNode seen = consensusNodes.get(uri);
                            if (seen != null && seen.nodeId() > 0) {
                                node.put("nodeId", seen.nodeId());
                            }
                            node.put("error", reason(e));
                            return Mono.just(node);
                        }))
                .collectList()
                .map(this::array);
    }

    /** One listing call to the first instance of a service that answers; {@code {"error"}} when none does. */
    private Mono<JsonNode> listing(Map<String, List<ServiceInstance>> registered, String service, String path) {
        List<ServiceInstance> instances = registered.getOrDefault(service, List.of());
        Mono<JsonNode> attempt = Mono.error(new IllegalStateException("no " + service + " instance is registered"));
        for (ServiceInstance instance : instances.reversed()) {
            Mono<JsonNode> next = attempt;
            attempt = get(base(instance) + path).onErrorResume(e -> next);
        }
        return attempt.onErrorResume(e -> Mono.just(error(service + ": " + reason(e))));
    }

    /**
     * Tasks as the console shows them: counts per type and status among the newest tasks, the newest few, and the
     * batches those belong to with their progress.
     */
    private Mono<JsonNode> tasks(Map<String, List<ServiceInstance>> registered) {
        List<ServiceInstance> instances = registered.getOrDefault("task-service", List.of());
        if (instances.isEmpty()) {
            return Mono.just(error("task-service: no instance is registered"));
        }
        String base = base(instances.getFirst());
        return get(base + "/api/tasks?limit=" + RECENT_TASKS).flatMap(page -> {
            TaskSummary summary = new TaskSummary(page, Instant.now(), SHOWN_TASKS, SHOWN_BATCHES, json);
            ObjectNode result = summary.toJson(json);
            return Flux.fromIterable(summary.batchIds())
                    .flatMapSequential(id -> get(base + "/api/batches/" + id)
                            .map(batch -> {
                                ObjectNode progress = json.createObjectNode();
                                for (String field : List.of("id", "status", "total", "succeeded", "failed")) {
                                    progress.set(field, batch.get(field));
                                }
                                return (JsonNode) progress;
                            })
                            .onErrorResume(e -> Mono.empty()))
                    .collectList()
                    .map(batches -> {
                        result.set("batches", array(batches));
                        return (JsonNode) result;
                    });
        }).onErrorResume(e -> Mono.just(error("task-service: " + reason(e))));
    }

    /**
     * An instance's own word on its health: the {@code status} of its health document, which a DOWN instance sends
     * with a 503 (it answers, so it is not unreachable); {@code HTTP <code>} when the answer has no status.
     */
    private Mono<String> health(String url) {
        return http.get().uri(url)
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> {
                            String status = body.isEmpty() ? "" : readStatus(body);
                            return status.isEmpty() ? "HTTP " + response.statusCode().value() : status;
                        }))
                .timeout(callTimeout);
    }

    private String readStatus(String body) {
        try {
            return json.readTree(body).path("status").asString("");
        } catch (tools.jackson.core.JacksonException e) {
            return "";
        }
    }

    /**
     * A service's JSON answer; an answer with no body is an error, not an empty result: an empty part would leave
     * {@link #snapshot()} empty, and the console without a snapshot for as long as the service answered so.
     */
    private Mono<JsonNode> get(String url) {
        return http.get().uri(url).retrieve().bodyToMono(String.class)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("an answer with no body")))
                .map(json::readTree)
                .timeout(callTimeout);
    }

    private ArrayNode array(List<? extends JsonNode> nodes) {
        ArrayNode array = json.createArrayNode();
        array.addAll(new ArrayList<>(nodes));
        return array;
    }

    private ObjectNode error(String message) {
        ObjectNode node = json.createObjectNode();
        node.put("error", message);
        return node;
    }

    private static String base(ServiceInstance instance) {
        return instance.getUri().toString();
    }

    private static String reason(Throwable e) {
        if (e instanceof java.util.concurrent.TimeoutException) {
            return "no answer in time";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
