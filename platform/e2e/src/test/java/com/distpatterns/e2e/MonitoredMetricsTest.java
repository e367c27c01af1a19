package com.distpatterns.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reading of PromQL and of the exposition format that SuiteIT's metric check relies on; no suite needed. */
class MonitoredMetricsTest {

    static final Path OPS = Path.of(System.getProperty("suite.root", "../..")).toAbsolutePath().normalize()
            .resolve("ops");

    @Test
    void seriesNamesAreWhatAnExpressionSelects() {
        assertThat(MonitoredMetrics.seriesNames(
                """
                        histogram_quantile(0.99, sum by (routeId, le) (rate(spring_cloud_gateway_requests_seconds_bucket{outcome="x", a=~"b|c"}[5m])))
                          / on (job) group_left(instance) clamp_min(tasks:completed:rate5m offset 1h, 1e-3)
                          and deriv(sum(tasks_queue_depth{queue=~".+\\\\.work"})[10m:1m]) > 0 or vector(0) unless up == bool 1
                          + sum(rate(http_server_requests_seconds_count[$__rate_interval])) without (uri)"""))
                .containsExactlyInAnyOrder("spring_cloud_gateway_requests_seconds_bucket", "tasks:completed:rate5m",
                        "tasks_queue_depth", "up", "http_server_requests_seconds_count");
    }

    @Test
    void exposedNamesAreTheSamplesOfTheExposition() {
        assertThat(MonitoredMetrics.exposed("""
                # HELP lock_waiters Requests waiting
                # TYPE lock_waiters gauge
                lock_waiters{application="lock-service"} 0.0
                http_server_requests_seconds_count{method="GET",uri="/x"} 3
                process_uptime_seconds 12.5
                """)).containsExactlyInAnyOrder("lock_waiters", "http_server_requests_seconds_count",
                "process_uptime_seconds");
    }

    @Test
    void aValueIsReadByItsExactName() {
        String exposition = """
                consensus_raft_leader_known{application="consensus-service"} 1.0
                consensus_raft_leader{application="consensus-service"} 0.0
                """;
        assertThat(MonitoredMetrics.value(exposition, "consensus_raft_leader")).isZero();
        assertThat(MonitoredMetrics.value(exposition, "consensus_raft_leader_known")).isEqualTo(1.0);
        assertThat(MonitoredMetrics.value(exposition, "consensus_raft_term")).isNaN();
    }

    @Test
    void aNameNoServiceExposesIsReportedWithWhereItIsUsed() {
        MonitoredMetrics metrics = MonitoredMetrics.read(OPS);
        assertThat(metrics.missingFrom(Set.of())).anySatisfy(missing -> assertThat(missing).startsWith("lock_waiters (")
                .contains("lock-service.json"));
    }

    /** Every rule and every dashboard is read, and every recorded name (level:metric:operation) they use is defined. */
    @Test
    void everyRuleAndDashboardIsReadAndUsesOnlyDefinedRecordings() {
        MonitoredMetrics metrics = MonitoredMetrics.read(OPS);
        assertThat(metrics.expressions()).extracting(MonitoredMetrics.Expression::source)
                .anySatisfy(source -> assertThat(source).contains("suite.rules.yml ConsensusNoLeader"))
                .anySatisfy(source -> assertThat(source).contains("suite-overview.json"));
        assertThat(metrics.expressions())
                .allSatisfy(expression -> assertThat(expression.promql()).as(expression.source()).isNotBlank());
        assertThat(metrics.expressions())
                .allSatisfy(expression -> assertThat(MonitoredMetrics.seriesNames(expression.promql()))
                        .as(expression.source()).isNotEmpty()
                        .filteredOn(name -> name.contains(":")).isSubsetOf(metrics.recorded()));
    }
}
