package com.distpatterns.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One overlay as `kubectl kustomize` renders it, read into typed objects, with the look-ups the checks need. */
record Rendered(String overlay, List<HasMetadata> objects) {

    static Rendered overlay(Path k8s, String overlay) {
        return new Rendered(overlay, StrictManifests.parse(Kustomize.render(k8s.resolve("overlays").resolve(overlay))));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    Optional<Service> service(String name) {
        return all(Service.class).stream().filter(service -> service.getMetadata().getName().equals(name)).findFirst();
    }

    List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        for (Deployment deployment : all(Deployment.class)) {
            workloads.add(new Workload("Deployment", deployment.getMetadata().getName(),
                    deployment.getMetadata().getNamespace(), deployment.getSpec().getReplicas(), null,
                    deployment.getSpec().getTemplate(), List.of()));
        }
        for (StatefulSet statefulSet : all(StatefulSet.class)) {
            List<String> claims = statefulSet.getSpec().getVolumeClaimTemplates().stream()
                    .map(claim -> claim.getMetadata().getName()).toList();
            workloads.add(new Workload("StatefulSet", statefulSet.getMetadata().getName(),
                    statefulSet.getMetadata().getNamespace(), statefulSet.getSpec().getReplicas(),
                    statefulSet.getSpec().getServiceName(), statefulSet.getSpec().getTemplate(), claims));
        }
        return workloads;
    }

    Optional<Workload> workload(String kind, String name) {
        return workloads().stream().filter(w -> w.kind().equals(kind) && w.name().equals(name)).findFirst();
    }

    /** The workloads whose pods a label selector picks. */
    List<Workload> selectedBy(Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return List.of();
        }
        return workloads().stream()
                .filter(w -> w.template().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .toList();
    }

    /**
     * A Deployment or StatefulSet.
     *
     * @param replicas    null when left to a HorizontalPodAutoscaler
     * @param serviceName a StatefulSet's governing Service, null for a Deployment
     * @param claims      a StatefulSet's volume claim templates: one volume of each per pod
     */
    record Workload(String kind, String name, String namespace, Integer replicas, String serviceName,
            PodTemplateSpec template, List<String> claims) {

        List<Container> containers() {
            return template.getSpec().getContainers();
        }

        boolean statefulSet() {
            return kind.equals("StatefulSet");
        }

        /** The pods it makes: a StatefulSet's by their stable names, a Deployment's as one representative. */
        List<Pod> pods() {
            if (!statefulSet()) {
                return List.of(new Pod(this, name + "-5d8f7c9b4-x2x7q", -1));
            }
            List<Pod> pods = new ArrayList<>();
            for (int ordinal = 0; ordinal < replicas; ordinal++) {
                pods.add(new Pod(this, name + "-" + ordinal, ordinal));
            }
            return pods;
        }
    }

    /** One pod of a workload; a StatefulSet pod's own DNS name is {@code <pod>.<service>}. */
    record Pod(Workload workload, String name, int ordinal) {

        String dnsName() {
            return name + "." + workload.serviceName();
        }
    }

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final Pattern LABEL_FIELD = Pattern.compile("metadata\\.labels\\['(.+)']");

    /**
     * A container's environment as its process in the given pod sees it: $(VAR) references expanded the way the
     * kubelet does (only variables defined earlier in the list), downward-API fields filled in, and Secret values
     * shown as {@code <secret name/key>}.
     */
    Map<String, String> environment(Pod pod, Container container) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            environment.put(variable.getName(), value(pod, variable, environment));
        }
        return environment;
    }

    private String value(Pod pod, EnvVar variable, Map<String, String> earlier) {
        if (variable.getValue() != null) {
            Matcher matcher = REFERENCE.matcher(variable.getValue());
            StringBuilder expanded = new StringBuilder();
            while (matcher.find()) {
                String replacement = earlier.getOrDefault(matcher.group(1), matcher.group());
                matcher.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
            }
            return matcher.appendTail(expanded).toString();
        }
        var source = variable.getValueFrom();
        if (source == null) {
            return "";
        }
        if (source.getSecretKeyRef() != null) {
            return "<secret " + source.getSecretKeyRef().getName() + "/" + source.getSecretKeyRef().getKey() + ">";
        }
        if (source.getConfigMapKeyRef() != null) {
            String name = source.getConfigMapKeyRef().getName();
            String key = source.getConfigMapKeyRef().getKey();
            return all(ConfigMap.class).stream().filter(map -> map.getMetadata().getName().equals(name))
                    .map(map -> map.getData().get(key)).findFirst()
                    .orElseThrow(() -> new AssertionError(
                            variable.getName() + " reads ConfigMap " + name + ", which is not rendered"));
        }
        if (source.getFieldRef() != null) {
            return field(pod, source.getFieldRef());
        }
        return "<" + variable.getName() + ">";
    }

    private static String field(Pod pod, ObjectFieldSelector selector) {
        String path = selector.getFieldPath();
        if (path.equals("metadata.name")) {
            return pod.name();
        }
        if (path.equals("metadata.namespace")) {
            return pod.workload().namespace();
        }
        Matcher label = LABEL_FIELD.matcher(path);
        if (label.matches()) {
            if (label.group(1).equals("apps.kubernetes.io/pod-index") && pod.workload().statefulSet()) {
                return Integer.toString(pod.ordinal());
            }
            String value = pod.workload().template().getMetadata().getLabels().get(label.group(1));
            if (value == null) {
                throw new AssertionError(
                        pod.workload().name() + " reads label " + label.group(1) + ", which its pods do not have");
            }
            return value;
        }
        return "<" + path + ">";
    }
}
