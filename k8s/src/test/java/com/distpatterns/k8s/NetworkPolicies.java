package com.distpatterns.k8s;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;

/**
 * What the rendered NetworkPolicies let through, evaluated as the Kubernetes API defines it: a pod selected by any
 * policy with the Ingress type accepts only what one of those policies' rules admits (rules add up, nothing
 * subtracts); a rule admits a source when one of its peers matches it (no peers: any source) on one of its ports
 * (no ports: any port). Ports are matched by number or by the name of the target container's port.
 */
record NetworkPolicies(List<NetworkPolicy> policies) {

    /** A connecting pod: its namespace, that namespace's labels, and its own labels. */
    record Source(String name, String namespace, Map<String, String> namespaceLabels, Map<String, String> labels) {

        static Source inNamespace(String name, String namespace, Map<String, String> labels) {
            return new Source(name, namespace, Map.of("kubernetes.io/metadata.name", namespace), labels);
        }
    }

    static NetworkPolicies of(Rendered rendered) {
        return new NetworkPolicies(rendered.all(NetworkPolicy.class));
    }

    /** Whether some policy isolates the workload's pods for ingress (without one, everything reaches them). */
    boolean isolates(Rendered.Workload target) {
        return selecting(target).stream().anyMatch(NetworkPolicies::governsIngress);
    }

    boolean admits(Source source, Rendered.Workload target, int containerPort) {
        List<NetworkPolicy> governing = selecting(target).stream().filter(NetworkPolicies::governsIngress).toList();
        if (governing.isEmpty()) {
            return true;
        }
        for (NetworkPolicy policy : governing) {
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                boolean fromMatches = rule.getFrom() == null || rule.getFrom().isEmpty()
                        || rule.getFrom().stream()
                                .anyMatch(peer -> matches(peer, policy.getMetadata().getNamespace(), source));
                boolean portMatches = rule.getPorts() == null || rule.getPorts().isEmpty()
                        || rule.getPorts().stream().anyMatch(port -> matches(port, target, containerPort));
                if (fromMatches && portMatches) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<NetworkPolicy> selecting(Rendered.Workload target) {
        return policies.stream()
                .filter(policy -> same(policy.getMetadata().getNamespace(), target.namespace()))
                .filter(policy -> selects(policy.getSpec().getPodSelector(),
                        target.template().getMetadata().getLabels()))
                .toList();
    }

    private static boolean governsIngress(NetworkPolicy policy) {
        List<String> types = policy.getSpec().getPolicyTypes();
        return types == null || types.isEmpty() || types.contains("Ingress");
    }

    private static boolean matches(NetworkPolicyPeer peer, String policyNamespace, Source source) {
        if (peer.getIpBlock() != null) {
            return false; // addresses, not pods: none of the sources the tests ask about
        }
        boolean namespaceMatches = peer.getNamespaceSelector() == null
                ? same(policyNamespace, source.namespace())
                : selects(peer.getNamespaceSelector(), source.namespaceLabels());
        boolean podMatches = peer.getPodSelector() == null || selects(peer.getPodSelector(), source.labels());
        return namespaceMatches && podMatches;
    }

    private static boolean matches(NetworkPolicyPort port, Rendered.Workload target, int containerPort) {
        if (port.getProtocol() != null && !port.getProtocol().equals("TCP")) {
            return false;
        }
        IntOrString value = port.getPort();
        if (value == null) {
            return true;
        }
        if (value.getIntVal() != null) {
            int from = value.getIntVal();
            int to = port.getEndPort() != null ? port.getEndPort() : from;
            return containerPort >= from && containerPort <= to;
        }
        return target.containers().stream().flatMap(container -> container.getPorts().stream())
                .filter(p -> value.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .anyMatch(number -> number == containerPort);
    }

    /** A label selector as the API defines it: null selects nothing here (an absent podSelector is an error there). */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> present = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null
                && !present.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                String value = present.get(requirement.getKey());
                boolean ok = switch (requirement.getOperator()) {
                    case "In" -> value != null && requirement.getValues().contains(value);
                    case "NotIn" -> value == null || !requirement.getValues().contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> throw new AssertionError("unknown selector operator " + requirement.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean same(String a, String b) {
        return (a == null ? "" : a).equals(b == null ? "" : b);
    }
}
