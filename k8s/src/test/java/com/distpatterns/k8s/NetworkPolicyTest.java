package com.distpatterns.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NetworkPolicies of every overlay, evaluated for every pair of the suite's pods: only the gateway reaches the
 * services' HTTP ports, only consensus pods reach each other's Raft port, only the services that use Redis and
 * RabbitMQ reach them, every pod of the suite reaches the registry, and no Service port is left closed to all.
 */
class NetworkPolicyTest {

    private static final String PART_OF = "app.kubernetes.io/part-of";
    private static final String NAME = "app.kubernetes.io/name";

    static Stream<String> overlays() {
        return Overlays.names();
    }

    private static Rendered rendered(String overlay) {
        return Overlays.rendered(overlay);
    }

    private static String namespace(Rendered rendered) {
        return rendered.workloads().getFirst().namespace();
    }

    private static NetworkPolicies.Source podOf(Rendered.Workload workload) {
        return NetworkPolicies.Source.inNamespace(workload.name(), workload.namespace(),
                workload.template().getMetadata().getLabels());
    }

    /** A pod in the namespace that is not part of the suite: a debugging shell, a compromised sidecar. */
    private static NetworkPolicies.Source stranger(Rendered rendered) {
        return NetworkPolicies.Source.inNamespace("a stranger pod", namespace(rendered), Map.of(NAME, "stranger"));
    }

    /** A pod of another namespace that carries the suite's labels: labels alone must not open the door. */
    private static NetworkPolicies.Source impostor(Rendered rendered) {
        return NetworkPolicies.Source.inNamespace("a pod of another namespace", "elsewhere",
                Map.of(NAME, "gateway", PART_OF, "distributed-patterns"));
    }

    private static List<NetworkPolicies.Source> everyone(Rendered rendered) {
        List<NetworkPolicies.Source> sources = new ArrayList<>(
                rendered.workloads().stream().map(NetworkPolicyTest::podOf).toList());
        sources.add(stranger(rendered));
        sources.add(impostor(rendered));
        return sources;
    }

    private static Set<String> admitted(Rendered rendered, Rendered.Workload target, int port) {
        NetworkPolicies policies = NetworkPolicies.of(rendered);
        Set<String> admitted = new TreeSet<>();
        for (NetworkPolicies.Source source : everyone(rendered)) {
            if (policies.admits(source, target, port)) {
                admitted.add(source.name());
            }
        }
        return admitted;
    }

    private static int port(Rendered.Workload workload, String name) {
        return workload.containers().stream().flatMap(container -> container.getPorts().stream())
                .filter(port -> name.equals(port.getName())).map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError(workload.name() + " has no port named " + name));
    }

    private static Optional<Rendered.Workload> workload(Rendered rendered, String name) {
        return rendered.workloads().stream().filter(w -> w.name().equals(name)).findFirst();
    }

    private static boolean isApplication(Rendered.Workload workload) {
        return workload.containers().stream().anyMatch(c -> c.getImage().contains("distpatterns/"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyPodIsIsolatedForIngress(String overlay) {
        Rendered rendered = rendered(overlay);
        NetworkPolicies policies = NetworkPolicies.of(rendered);
        assertThat(rendered.workloads()).allSatisfy(workload -> assertThat(policies.isolates(workload))
                .as("%s is selected by a policy of type Ingress", workload.name()).isTrue());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServicePortIsOpenToSomeone(String overlay) {
        Rendered rendered = rendered(overlay);
        List<String> closed = new ArrayList<>();
        for (Service service : rendered.all(Service.class)) {
            if ("ExternalName".equals(service.getSpec().getType())) {
                continue;
            }
            for (ServicePort port : service.getSpec().getPorts()) {
                if ("management".equals(port.getName())) {
                    continue; // RabbitMQ's UI in dev: reached with kubectl port-forward, which NetworkPolicies do not govern
                }
                IntOrString target = port.getTargetPort() != null ? port.getTargetPort()
                        : new IntOrString(port.getPort());
                for (Rendered.Workload workload : rendered.selectedBy(service.getSpec().getSelector())) {
                    int number = target.getIntVal() != null ? target.getIntVal() : port(workload, target.getStrVal());
                    if (admitted(rendered, workload, number).isEmpty()) {
                        closed.add("Service " + service.getMetadata().getName() + " port " + port.getName() + " ("
                                + workload.name()
                                + ":" + number + ")");
                    }
                }
            }
        }
        assertThat(closed).as("overlay %s: ports no pod of the suite may reach", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewayIsTheOnlyWayToTheServices(String overlay) {
        Rendered rendered = rendered(overlay);
        Rendered.Workload gateway = workload(rendered, "gateway").orElseThrow();
        assertThat(admitted(rendered, gateway, port(gateway, "http"))).as("the gateway is the entry: anyone reaches it")
                .contains(stranger(rendered).name(), impostor(rendered).name());
        List<Rendered.Workload> services = rendered.workloads().stream()
                .filter(NetworkPolicyTest::isApplication)
                .filter(w -> !Set.of("gateway", "registry").contains(w.name()))
                .toList();
        assertThat(services).extracting(Rendered.Workload::name)
                .contains("cache-service", "lock-service", "task-service", "task-worker", "event-service",
                        "consensus-service");
        for (Rendered.Workload service : services) {
            assertThat(admitted(rendered, service, port(service, "http")))
                    .as("overlay %s: who reaches %s's HTTP port", overlay, service.name()).containsExactly("gateway");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void onlyConsensusPodsSpeakRaft(String overlay) {
        Rendered rendered = rendered(overlay);
        Rendered.Workload consensus = workload(rendered, "consensus-service").orElseThrow();
        assertThat(admitted(rendered, consensus, port(consensus, "raft")))
                .as("overlay %s: who reaches the Raft port", overlay).containsExactly("consensus-service");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyPodOfTheSuiteReachesTheRegistry(String overlay) {
        Rendered rendered = rendered(overlay);
        Rendered.Workload registry = workload(rendered, "registry").orElseThrow();
        Set<String> expected = new TreeSet<>();
        for (Rendered.Workload workload : rendered.workloads()) {
            if (isApplication(workload)) {
                expected.add(workload.name());
            }
        }
        Set<String> admitted = admitted(rendered, registry, port(registry, "http"));
        assertThat(admitted).as("overlay %s: who reaches the registry", overlay).containsAll(expected)
                .doesNotContain(stranger(rendered).name(), impostor(rendered).name());
    }

    /** Redis and RabbitMQ, where an overlay runs them: exactly the workloads whose environment points at them. */
    @ParameterizedTest
    @MethodSource("overlays")
    void onlyTheirUsersReachRedisAndRabbitMq(String overlay) {
        Rendered rendered = rendered(overlay);
        for (var backing : Map.of("redis", "SPRING_DATA_REDIS_HOST", "rabbitmq", "SPRING_RABBITMQ_HOST").entrySet()) {
            Optional<Service> service = rendered.service(backing.getKey())
                    .filter(s -> !"ExternalName".equals(s.getSpec().getType()));
            if (service.isEmpty()) {
                continue; // outside the cluster (prod): nothing in the namespace to protect
            }
            Set<String> users = new TreeSet<>();
            for (Rendered.Workload workload : rendered.workloads()) {
                for (Rendered.Pod pod : workload.pods()) {
                    for (Container container : workload.containers()) {
                        if (backing.getKey().equals(rendered.environment(pod, container).get(backing.getValue()))) {
                            users.add(workload.name());
                        }
                    }
                }
            }
            assertThat(users).as("workloads using %s", backing.getKey()).isNotEmpty();
            ServicePort clientPort = service.get().getSpec().getPorts().getFirst();
            for (Rendered.Workload server : rendered.selectedBy(service.get().getSpec().getSelector())) {
                IntOrString target = clientPort.getTargetPort();
                int number = target == null ? clientPort.getPort()
                        : target.getIntVal() != null ? target.getIntVal() : port(server, target.getStrVal());
                assertThat(admitted(rendered, server, number))
                        .as("overlay %s: who reaches %s:%d", overlay, server.name(), number)
                        .isEqualTo(users);
            }
        }
    }
}
