package com.distpatterns.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * k8s/components/monitoring, as the dev-monitoring overlay renders it: every application pod is scraped exactly
 * once, under the job name the rules and dashboards of ops/ use, Prometheus may reach it through the
 * NetworkPolicies, and the PrometheusRule carries the same groups as ops/prometheus/rules.
 */
class MonitoringComponentTest {

    private static final Path K8S = Path.of("").toAbsolutePath();
    private static final Path OPS = K8S.getParent().resolve("ops/prometheus");
    private static final Rendered RENDERED = Overlays.rendered("dev-monitoring");
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private static boolean isApplication(Rendered.Workload workload) {
        return workload.containers().stream().anyMatch(c -> c.getImage().contains("distpatterns/"));
    }

    /** The job a ServiceMonitor gives its targets: the Service's name unless a relabeling sets it. */
    private static String job(ServiceMonitor monitor, Endpoint endpoint, Service service) {
        String job = service.getMetadata().getName();
        if (endpoint.getRelabelings() != null) {
            for (RelabelConfig relabel : endpoint.getRelabelings()) {
                if ("job".equals(relabel.getTargetLabel()) && relabel.getReplacement() != null) {
                    job = relabel.getReplacement();
                }
            }
        }
        return job;
    }

    @Test
    void everyApplicationPodIsScrapedOnceUnderAJobTheRulesKnow() throws Exception {
        Map<String, List<String>> scrapes = new java.util.TreeMap<>();
        Set<String> jobs = new TreeSet<>();
        for (ServiceMonitor monitor : RENDERED.all(ServiceMonitor.class)) {
            for (Service service : RENDERED.all(Service.class)) {
                if (!NetworkPolicies.selects(monitor.getSpec().getSelector(), service.getMetadata().getLabels())) {
                    continue;
                }
                for (Endpoint endpoint : monitor.getSpec().getEndpoints()) {
                    assertThat(endpoint.getPath()).as("ServiceMonitor %s path", monitor.getMetadata().getName())
                            .isEqualTo("/actuator/prometheus");
                    assertThat(service.getSpec().getPorts())
                            .as("Service %s has the port %s that ServiceMonitor %s scrapes",
                                    service.getMetadata().getName(), endpoint.getPort(),
                                    monitor.getMetadata().getName())
                            .anyMatch(port -> endpoint.getPort().equals(port.getName()));
                    String job = job(monitor, endpoint, service);
                    jobs.add(job);
                    for (Rendered.Workload workload : RENDERED.selectedBy(service.getSpec().getSelector())) {
                        scrapes.computeIfAbsent(workload.name(), name -> new ArrayList<>())
                                .add(monitor.getMetadata().getName() + " as " + job);
                    }
                }
            }
        }
        for (Rendered.Workload workload : RENDERED.workloads()) {
            if (isApplication(workload)) {
                assertThat(scrapes.get(workload.name())).as("ServiceMonitors scraping %s", workload.name()).hasSize(1);
            }
        }
        JsonNode compose = YAML.readTree(OPS.resolve("prometheus.yml").toFile());
        Set<String> composeJobs = new TreeSet<>();
        compose.path("scrape_configs").forEach(config -> composeJobs.add(config.path("job_name").asString()));
        composeJobs.remove("prometheus");
        assertThat(jobs).as("the jobs of the ServiceMonitors, as ops/prometheus/prometheus.yml names them")
                .isEqualTo(composeJobs);
    }

    @Test
    void prometheusReachesEveryApplicationPod() {
        NetworkPolicies policies = NetworkPolicies.of(RENDERED);
        NetworkPolicies.Source prometheus = new NetworkPolicies.Source("prometheus", "monitoring",
                Map.of("kubernetes.io/metadata.name", "monitoring"), Map.of("app.kubernetes.io/name", "prometheus"));
        NetworkPolicies.Source other = new NetworkPolicies.Source("another pod of the monitoring namespace",
                "monitoring",
                Map.of("kubernetes.io/metadata.name", "monitoring"), Map.of("app.kubernetes.io/name", "grafana"));
        for (Rendered.Workload workload : RENDERED.workloads()) {
            if (!isApplication(workload)) {
                continue;
            }
            int http = workload.containers().getFirst().getPorts().stream().filter(p -> "http".equals(p.getName()))
                    .findFirst().orElseThrow().getContainerPort();
            assertThat(policies.admits(prometheus, workload, http)).as("Prometheus scrapes %s", workload.name())
                    .isTrue();
            if (!workload.name().equals("gateway")) { // the entry is open to all
                assertThat(policies.admits(other, workload, http))
                        .as("another monitoring pod reaches %s", workload.name()).isFalse();
            }
        }
    }

    @Test
    void thePrometheusRuleHasTheRulesOfOps() throws Exception {
        List<PrometheusRule> rules = RENDERED.all(PrometheusRule.class);
        assertThat(rules).hasSize(1);
        JsonNode component = YAML.readTree(K8S.resolve("components/monitoring/prometheus-rule.yaml").toFile());
        JsonNode ops = YAML.readTree(OPS.resolve("rules/suite.rules.yml").toFile());
        assertThat(component.path("spec").path("groups"))
                .as("k8s/components/monitoring/prometheus-rule.yaml spec.groups == ops/prometheus/rules/suite.rules.yml groups")
                .isEqualTo(ops.path("groups"));
        assertThat(rules.getFirst().getSpec().getGroups()).hasSize(ops.path("groups").size());
    }
}
