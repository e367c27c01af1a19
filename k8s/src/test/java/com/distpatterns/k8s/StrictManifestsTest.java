package com.distpatterns.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser the manifests' test relies on rejects what the API server would reject. */
class StrictManifestsTest {

    private static String deployment(String containerExtra) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: demo
                spec:
                  selector:
                    matchLabels: {app: demo}
                  template:
                    metadata:
                      labels: {app: demo}
                    spec:
                      containers:
                        - name: demo
                          image: demo
                %s
                """.formatted(containerExtra.indent(10).stripTrailing());
    }

    @Test
    void readsAValidObjectIntoItsTypedClass() {
        List<HasMetadata> objects = StrictManifests.parse(deployment("""
                env:
                  - name: PORT
                    value: "8080"
                """));

        assertThat(objects).singleElement().isInstanceOfSatisfying(Deployment.class,
                deployment -> assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst()
                        .getEnv().getFirst().getValue())
                        .isEqualTo("8080"));
    }

    @Test
    void rejectsAFieldTheApiDoesNotHave() {
        assertThatThrownBy(() -> StrictManifests.parse(deployment("""
                livenesProbe:
                  httpGet: {path: /actuator/health/liveness, port: 8080}
                """)))
                .hasMessageContaining("Deployment demo")
                .hasMessageContaining("livenesProbe");
    }

    @Test
    void rejectsAFieldAtTheWrongLevel() {
        assertThatThrownBy(() -> StrictManifests.parse(deployment("""
                replicas: 2
                """)))
                .hasMessageContaining("replicas");
    }

    @Test
    void rejectsANumberWhereTheApiWantsAString() {
        assertThatThrownBy(() -> StrictManifests.parse(deployment("""
                env:
                  - name: PORT
                    value: 8080
                """)))
                .hasMessageContaining("Deployment demo");
    }

    @Test
    void rejectsAKindTheModelDoesNotKnow() {
        assertThatThrownBy(() -> StrictManifests.parse("""
                apiVersion: example.com/v1
                kind: Widget
                metadata:
                  name: w
                """))
                .hasMessageContaining("example.com/v1/Widget");
    }
}
