package com.distpatterns.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validates every overlay offline: rendered by the real kustomize, every object read strictly into the typed
 * Kubernetes model, and the containers checked against what the applications actually read (their
 * application.yml, the platform's defaults, the Spring Boot starters in their poms), so that a renamed setting or
 * a moved port fails here rather than in a cluster.
 */
class ManifestsTest {

    private static final Path K8S = Path.of("").toAbsolutePath();
    private static final Project PROJECT = Project.at(K8S.getParent());
    private static final Map<String, ApplicationConfig> CONFIGS = new ConcurrentHashMap<>();

    /** host:port, with an optional scheme and path: an item of EUREKA_URL, REGISTRY_PEERS, CONSENSUS_PEERS. */
    private static final Pattern ADDRESS = Pattern
            .compile("(?:[a-z][a-z0-9+.-]*://)?([a-z0-9][a-z0-9.-]*):(\\d+)(?:/.*)?");
    private static final Pattern PEER_ID = Pattern.compile("(\\d+)=(.+)");
    private static final Pattern UNRESOLVED_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    static Stream<String> overlays() {
        return Overlays.names();
    }

    private static Rendered rendered(String overlay) {
        return Overlays.rendered(overlay);
    }

    private static ApplicationConfig config(Project.Module application) {
        return CONFIGS.computeIfAbsent(application.artifactId(), name -> ApplicationConfig.of(PROJECT, application));
    }

    /** A container running one of the project's applications, in one pod. */
    private record AppContainer(Rendered.Pod pod, Container container, ApplicationConfig config,
            Map<String, String> env) {

        String describe() {
            String where = pod.workload().kind() + " " + pod.workload().name();
            if (pod.workload().statefulSet()) {
                where += " (pod " + pod.name() + ")";
            }
            return where + ", container " + container.getName() + " [" + config.name() + "]";
        }
    }

    private static List<AppContainer> appContainers(Rendered rendered) {
        List<AppContainer> found = new ArrayList<>();
        for (Rendered.Workload workload : rendered.workloads()) {
            for (Rendered.Pod pod : workload.pods()) {
                for (Container container : workload.containers()) {
                    PROJECT.application(moduleOf(container.getImage())).ifPresent(application -> found.add(
                            new AppContainer(pod, container, config(application),
                                    rendered.environment(pod, container))));
                }
            }
        }
        return found;
    }

    /** registry.example.com/distpatterns/task-service:0.1.0 runs the module task-service. */
    private static String moduleOf(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        name = name.substring(name.lastIndexOf('/') + 1);
        return name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    }

    @Test
    void thereAreOverlaysToValidate() {
        assertThat(overlays()).contains("dev", "prod");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyApplicationRunsAndEveryProjectImageIsAnApplication(String overlay) {
        Rendered rendered = rendered(overlay);
        Set<String> deployed = new TreeSet<>();
        Set<String> notApplications = new TreeSet<>();
        for (Rendered.Workload workload : rendered.workloads()) {
            for (Container container : workload.containers()) {
                String module = moduleOf(container.getImage());
                deployed.add(module);
                if (PROJECT.module(module).isPresent() && PROJECT.application(module).isEmpty()) {
                    notApplications.add(workload.name() + " runs " + container.getImage());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Project.Module application : PROJECT.applications()) {
            if (!deployed.contains(application.artifactId())) {
                problems.add("no workload runs the application " + application.artifactId());
            }
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
        // A module still being written has no Spring Boot application to check its container against yet: say so
        // (the test shows as skipped) rather than pass silently or fail the build for it.
        Assumptions.assumeTrue(notApplications.isEmpty(), () -> "not validated, their module builds no Spring Boot "
                + "application (yet): " + notApplications);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void applicationsListenAndAreProbedWhereTheyServe(String overlay) {
        List<String> problems = new ArrayList<>();
        for (AppContainer app : appContainers(rendered(overlay))) {
            int port = app.config().port(app.env());
            int managementPort = app.config().managementPort(app.env());
            Optional<ContainerPort> http = app.container().getPorts().stream()
                    .filter(p -> "http".equals(p.getName())).findFirst();
            if (http.isEmpty() || http.get().getContainerPort() != port) {
                problems.add(app.describe() + ": the application listens on " + port + ", the port named http is "
                        + http.map(ContainerPort::getContainerPort).orElse(null));
            }
            checkProbe(app, "liveness", app.container().getLivenessProbe(), app.config().livenessPath(), managementPort,
                    problems);
            checkProbe(app, "readiness", app.container().getReadinessProbe(), app.config().readinessPath(),
                    managementPort, problems);
            if (app.container().getStartupProbe() != null) {
                checkProbe(app, "startup", app.container().getStartupProbe(), app.config().livenessPath(),
                        managementPort, problems);
            }
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    private static void checkProbe(AppContainer app, String kind, Probe probe, String path, int port,
            List<String> problems) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            problems.add(app.describe() + ": no HTTP " + kind + " probe");
            return;
        }
        if (!path.equals(get.getPath())) {
            problems.add(app.describe() + ": the " + kind + " probe calls " + get.getPath()
                    + ", the application serves " + path);
        }
        Integer probed = containerPort(app.container(), get.getPort());
        if (probed == null || probed != port) {
            problems.add(app.describe() + ": the " + kind + " probe calls port " + get.getPort().getValue()
                    + ", the actuator answers on " + port);
        }
    }

    private static boolean hasPort(Container container, IntOrString port) {
        return container.getPorts().stream().anyMatch(p -> port.getIntVal() != null
                ? port.getIntVal().equals(p.getContainerPort())
                : port.getStrVal().equals(p.getName()));
    }

    /** A port given by number or by the name of one of the container's ports. */
    private static Integer containerPort(Container container, IntOrString port) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void applicationsAreGivenOnlyVariablesTheyRead(String overlay) {
        List<String> problems = new ArrayList<>();
        for (AppContainer app : appContainers(rendered(overlay))) {
            for (EnvVar variable : app.container().getEnv()) {
                String name = variable.getName();
                if (!app.config().reads(name) && !referencedByAnother(app.container(), name)) {
                    problems.add(app.describe() + ": sets " + name + ", which the application does not read (it reads "
                            + app.config().readVariables() + " and its properties' relaxed names)");
                }
            }
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    /** A helper such as POD_NAME exists only to be expanded as $(POD_NAME) in another variable. */
    private static boolean referencedByAnother(Container container, String name) {
        return container.getEnv().stream()
                .anyMatch(other -> other.getValue() != null && other.getValue().contains("$(" + name + ")"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void applicationsAreGivenEveryVariableTheyRequire(String overlay) {
        List<String> problems = new ArrayList<>();
        for (AppContainer app : appContainers(rendered(overlay))) {
            for (String required : app.config().requiredVariables()) {
                if (!app.env().containsKey(required)) {
                    problems.add(app.describe() + ": the application needs " + required
                            + " (it has no default, or one that only works outside a container)");
                }
            }
            app.env().forEach((name, value) -> {
                Matcher unresolved = UNRESOLVED_REFERENCE.matcher(value);
                if (unresolved.find()) {
                    problems.add(app.describe() + ": " + name + " refers to $(" + unresolved.group(1)
                            + "), which is not defined before it, so the kubelet leaves it as it is");
                }
            });
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void addressesInTheEnvironmentLeadToARenderedServiceAndPort(String overlay) {
        Rendered rendered = rendered(overlay);
        List<String> problems = new ArrayList<>();
        for (AppContainer app : appContainers(rendered)) {
            app.env().forEach((name, value) -> {
                if (name.endsWith("_HOST")) {
                    String portVariable = name.substring(0, name.length() - "_HOST".length()) + "_PORT";
                    String port = app.env().get(portVariable);
                    checkAddress(rendered, value, port == null ? null : Integer.valueOf(port))
                            .ifPresent(problem -> problems
                                    .add(app.describe() + ": " + name + "=" + value + ": " + problem));
                    return;
                }
                for (String item : value.split(",")) {
                    Matcher peer = PEER_ID.matcher(item);
                    Matcher address = ADDRESS.matcher(peer.matches() ? peer.group(2) : item);
                    if (address.matches()) {
                        checkAddress(rendered, address.group(1), Integer.valueOf(address.group(2)))
                                .ifPresent(problem -> problems
                                        .add(app.describe() + ": " + name + " item " + item + ": " + problem));
                    }
                }
            });
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    /**
     * Whether host (and port, when known) reach something rendered: a Service by name, or a StatefulSet pod by its
     * stable name under its headless Service. Empty when they do, else what is wrong.
     */
    private static Optional<String> checkAddress(Rendered rendered, String host, Integer port) {
        String[] labels = host.split("\\.");
        if (labels.length == 1) {
            Optional<Service> service = rendered.service(host);
            if (service.isEmpty()) {
                return Optional.of("no Service named " + host);
            }
            boolean external = "ExternalName".equals(service.get().getSpec().getType());
            if (port != null && !external
                    && service.get().getSpec().getPorts().stream().noneMatch(p -> p.getPort().equals(port))) {
                return Optional.of("Service " + host + " has no port " + port);
            }
            return Optional.empty();
        }
        if (labels.length == 2) {
            String podName = labels[0];
            String serviceName = labels[1];
            Optional<Service> service = rendered.service(serviceName);
            if (service.isEmpty() || !"None".equals(service.get().getSpec().getClusterIP())) {
                return Optional.of(serviceName + " is not a headless Service, so " + host + " has no DNS record");
            }
            Optional<Rendered.Pod> pod = rendered.workloads().stream()
                    .filter(w -> w.statefulSet() && serviceName.equals(w.serviceName()))
                    .flatMap(w -> w.pods().stream())
                    .filter(p -> p.name().equals(podName))
                    .findFirst();
            if (pod.isEmpty()) {
                return Optional.of("no StatefulSet under Service " + serviceName + " has a pod named " + podName);
            }
            if (port != null && pod.get().workload().containers().stream().flatMap(c -> c.getPorts().stream())
                    .noneMatch(p -> p.getContainerPort().equals(port))) {
                return Optional.of("pod " + podName + " has no container port " + port);
            }
            return Optional.empty();
        }
        return Optional.of("not an in-cluster name this test can check (use <service> or <pod>.<headless service>)");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyPeerFindsItselfInItsPeerList(String overlay) {
        List<String> problems = new ArrayList<>();
        for (AppContainer app : appContainers(rendered(overlay))) {
            Rendered.Workload workload = app.pod().workload();
            app.env().forEach((name, value) -> {
                if (!name.endsWith("_PEERS")) {
                    return;
                }
                String prefix = name.substring(0, name.length() - "_PEERS".length());
                if (!workload.statefulSet()) {
                    problems.add(app.describe() + ": " + name + " needs stable pod names: run it as a StatefulSet");
                    return;
                }
                Set<String> expectedHosts = new TreeSet<>();
                workload.pods().forEach(pod -> expectedHosts.add(pod.dnsName()));
                Set<String> listedHosts = new TreeSet<>();
                String ownId = null;
                for (String item : value.split(",")) {
                    Matcher peer = PEER_ID.matcher(item);
                    Matcher address = ADDRESS.matcher(peer.matches() ? peer.group(2) : item);
                    if (!address.matches()) {
                        problems.add(app.describe() + ": " + name + " item " + item + " is not an address");
                        continue;
                    }
                    listedHosts.add(address.group(1));
                    if (peer.matches() && address.group(1).equals(app.pod().dnsName())) {
                        ownId = peer.group(1);
                    }
                }
                if (!listedHosts.equals(expectedHosts)) {
                    problems.add(app.describe() + ": " + name + " lists " + listedHosts
                            + ", the StatefulSet's pods are " + expectedHosts);
                }
                String nodeId = app.env().get(prefix + "_NODE_ID");
                if (nodeId != null && !nodeId.equals(ownId)) {
                    problems.add(app.describe() + ": " + prefix + "_NODE_ID is " + nodeId + ", but " + name
                            + " gives this pod the id " + ownId);
                }
                String hostname = app.env().get(prefix + "_HOSTNAME");
                if (hostname != null && !hostname.equals(app.pod().dnsName())) {
                    problems.add(
                            app.describe() + ": " + prefix + "_HOSTNAME is " + hostname + ", not the pod's own name "
                                    + app.pod().dnsName() + " as listed in " + name);
                }
            });
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void dataDirectoriesAreOnAPersistentVolumePerPod(String overlay) {
        List<String> problems = new ArrayList<>();
        for (AppContainer app : appContainers(rendered(overlay))) {
            app.env().forEach((name, value) -> {
                if (!name.endsWith("_DATA_DIR")) {
                    return;
                }
                Optional<VolumeMount> mount = app.container().getVolumeMounts().stream()
                        .filter(m -> value.equals(m.getMountPath()) || value.startsWith(m.getMountPath() + "/"))
                        .findFirst();
                if (mount.isEmpty() || !app.pod().workload().claims().contains(mount.get().getName())) {
                    problems.add(
                            app.describe() + ": " + name + "=" + value + " is not on a volume claim template's volume");
                }
            });
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesSelectPodsThatHaveTheirTargetPorts(String overlay) {
        Rendered rendered = rendered(overlay);
        List<String> problems = new ArrayList<>();
        for (Service service : rendered.all(Service.class)) {
            if ("ExternalName".equals(service.getSpec().getType())) {
                continue;
            }
            List<Rendered.Workload> selected = rendered.selectedBy(service.getSpec().getSelector());
            if (selected.isEmpty()) {
                problems.add("Service " + service.getMetadata().getName() + " selects no pods");
                continue;
            }
            for (ServicePort port : service.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort() != null ? port.getTargetPort()
                        : new IntOrString(port.getPort());
                for (Rendered.Workload workload : selected) {
                    if (workload.containers().stream().noneMatch(container -> hasPort(container, target))) {
                        problems.add("Service " + service.getMetadata().getName() + " port " + port.getName()
                                + " targets "
                                + target.getValue() + ", which " + workload.name() + "'s containers do not have");
                    }
                }
            }
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void ingressAutoscalersAndBudgetsPointAtRenderedObjects(String overlay) {
        Rendered rendered = rendered(overlay);
        List<String> problems = new ArrayList<>();
        for (Ingress ingress : rendered.all(Ingress.class)) {
            ingress.getSpec().getRules().stream()
                    .flatMap(rule -> rule.getHttp().getPaths().stream())
                    .map(path -> path.getBackend().getService())
                    .forEach(backend -> checkBackend(rendered, ingress, backend, problems));
            // The gateway's actuator (metrics, its routes) is for the cluster, never published.
            ingress.getSpec().getRules().stream()
                    .flatMap(rule -> rule.getHttp().getPaths().stream())
                    .filter(path -> "/".equals(path.getPath()) || path.getPath().startsWith("/actuator"))
                    .forEach(path -> problems
                            .add("Ingress " + ingress.getMetadata().getName() + " publishes " + path.getPath()
                                    + ", and with it the gateway's actuator"));
        }
        List<HorizontalPodAutoscaler> autoscalers = rendered.all(HorizontalPodAutoscaler.class);
        for (HorizontalPodAutoscaler autoscaler : autoscalers) {
            var target = autoscaler.getSpec().getScaleTargetRef();
            Optional<Rendered.Workload> workload = rendered.workload(target.getKind(), target.getName());
            if (workload.isEmpty()) {
                problems.add(
                        "HorizontalPodAutoscaler " + autoscaler.getMetadata().getName() + " scales " + target.getKind()
                                + " " + target.getName() + ", which is not rendered");
            } else if (workload.get().replicas() != null) {
                problems.add(target.getName()
                        + " sets replicas and has an autoscaler: every apply would undo the autoscaler");
            }
        }
        for (Rendered.Workload workload : rendered.workloads()) {
            boolean application = workload.containers().stream()
                    .anyMatch(c -> PROJECT.application(moduleOf(c.getImage())).isPresent());
            boolean scaled = autoscalers.stream()
                    .anyMatch(a -> a.getSpec().getScaleTargetRef().getName().equals(workload.name()));
            if (application && !workload.statefulSet() && !scaled) {
                problems.add("the stateless " + workload.name() + " has no HorizontalPodAutoscaler");
            }
            if (workload.statefulSet() && workload.replicas() != null && workload.replicas() >= 3) {
                int majority = workload.replicas() / 2 + 1;
                boolean keepsMajority = rendered.all(PodDisruptionBudget.class).stream()
                        .filter(budget -> rendered.selectedBy(budget.getSpec().getSelector().getMatchLabels())
                                .contains(workload))
                        .anyMatch(budget -> budget.getSpec().getMinAvailable() != null
                                && budget.getSpec().getMinAvailable().getIntVal() != null
                                && budget.getSpec().getMinAvailable().getIntVal() >= majority);
                if (!keepsMajority) {
                    problems.add(workload.name() + " has " + workload.replicas()
                            + " replicas but no PodDisruptionBudget keeping "
                            + majority + " of them");
                }
            }
        }
        for (PodDisruptionBudget budget : rendered.all(PodDisruptionBudget.class)) {
            if (rendered.selectedBy(budget.getSpec().getSelector().getMatchLabels()).isEmpty()) {
                problems.add("PodDisruptionBudget " + budget.getMetadata().getName() + " selects no pods");
            }
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    private static void checkBackend(Rendered rendered, Ingress ingress, IngressServiceBackend backend,
            List<String> problems) {
        Optional<Service> service = rendered.service(backend.getName());
        String port = backend.getPort().getName() != null ? backend.getPort().getName()
                : String.valueOf(backend.getPort().getNumber());
        boolean found = service.isPresent() && service.get().getSpec().getPorts().stream()
                .anyMatch(p -> port.equals(p.getName()) || port.equals(String.valueOf(p.getPort())));
        if (!found) {
            problems.add("Ingress " + ingress.getMetadata().getName() + " sends to " + backend.getName() + ":" + port
                    + ", which no rendered Service has");
        }
    }

    /**
     * Every Secret a container reads exists with that key: rendered by the overlay (dev), or, for an overlay that
     * expects it made by hand (prod), in the same shape as the one the dev overlay renders, which docs/deploy.md
     * tells how to make.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void secretsExistWithTheKeysContainersRead(String overlay) {
        Rendered rendered = rendered(overlay);
        List<Secret> rendersOrShapes = rendered.all(Secret.class).isEmpty() ? rendered("dev").all(Secret.class)
                : rendered.all(Secret.class);
        List<String> problems = new ArrayList<>();
        for (Rendered.Workload workload : rendered.workloads()) {
            for (Container container : workload.containers()) {
                for (EnvVar variable : container.getEnv()) {
                    SecretKeySelector reference = variable.getValueFrom() == null ? null
                            : variable.getValueFrom().getSecretKeyRef();
                    if (reference == null) {
                        continue;
                    }
                    boolean exists = rendersOrShapes.stream()
                            .anyMatch(secret -> secret.getMetadata().getName().equals(reference.getName())
                                    && (secret.getData() != null && secret.getData().containsKey(reference.getKey())
                                            || secret.getStringData() != null
                                                    && secret.getStringData().containsKey(reference.getKey())));
                    if (!exists) {
                        problems.add(workload.name() + "/" + container.getName() + ": " + variable.getName()
                                + " reads Secret "
                                + reference.getName() + " key " + reference.getKey() + ", which no Secret has");
                    }
                }
            }
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }

    /** An object an overlay adds beside its base must not escape the namespace transformer of the base it reuses. */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyNamespacedObjectIsInTheOverlaysNamespace(String overlay) {
        Rendered rendered = rendered(overlay);
        Set<String> namespaces = new TreeSet<>();
        List<String> outside = new ArrayList<>();
        for (var object : rendered.objects()) {
            if (object.getKind().equals("Namespace")) {
                continue;
            }
            String namespace = object.getMetadata().getNamespace();
            namespaces.add(String.valueOf(namespace));
            if (namespace == null) {
                outside.add(object.getKind() + " " + object.getMetadata().getName());
            }
        }
        assertThat(outside).as("overlay %s: objects without a namespace", overlay).isEmpty();
        assertThat(namespaces).as("overlay %s: namespaces", overlay).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerHasResourcesAndAReadinessProbe(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Rendered.Workload workload : rendered(overlay).workloads()) {
            for (Container container : workload.containers()) {
                String where = workload.name() + "/" + container.getName();
                ResourceRequirements resources = container.getResources();
                for (String resource : List.of("cpu", "memory")) {
                    if (resources == null || resources.getRequests() == null
                            || !resources.getRequests().containsKey(resource)) {
                        problems.add(where + ": no " + resource + " request");
                    }
                    if (resources == null || resources.getLimits() == null
                            || !resources.getLimits().containsKey(resource)) {
                        problems.add(where + ": no " + resource + " limit");
                    }
                }
                if (container.getReadinessProbe() == null) {
                    problems.add(where + ": no readiness probe");
                }
                if (container.getLivenessProbe() == null) {
                    problems.add(where + ": no liveness probe");
                }
            }
        }
        assertThat(problems).as("overlay %s", overlay).isEmpty();
    }
}
