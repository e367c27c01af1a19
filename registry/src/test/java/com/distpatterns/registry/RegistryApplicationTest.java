package com.distpatterns.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class RegistryApplicationTest {

    @Autowired
    RestTestClient http;
    @Autowired
    Environment environment;

    @Test
    void runsStandaloneByDefaultAndKnowsOnlyItself() {
        assertThat(environment.getProperty("eureka.client.register-with-eureka")).isEqualTo("false");
        assertThat(environment.getProperty("eureka.client.fetch-registry")).isEqualTo("false");
        // Its own configured port (the test's random 0), not 8761: a second registry beside the first must not take
        // the first for a peer.
        assertThat(environment.getProperty("eureka.client.service-url.defaultZone"))
                .isEqualTo("http://localhost:" + environment.getProperty("server.port") + "/eureka/")
                .doesNotContain("8761");
    }

    @Test
    void acceptsARegistrationAndListsIt() {
        String instance = """
                {"instance":{"instanceId":"demo-1","hostName":"127.0.0.1","app":"DEMO-SERVICE","ipAddr":"127.0.0.1",
                "status":"UP","port":{"$":9999,"@enabled":"true"},"vipAddress":"demo-service",
                "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}
                """;
        http.post().uri("/eureka/apps/DEMO-SERVICE").contentType(MediaType.APPLICATION_JSON).body(instance)
                .exchange()
                .expectStatus().isNoContent();

        http.get().uri("/eureka/apps/DEMO-SERVICE").accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("demo-1"));
    }

    @Test
    void servesTheDashboardAndHealthProbes() {
        http.get().uri("/").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("Eureka"));
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        http.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class)
                .value(body -> assertThat(body).contains("jvm_memory_used_bytes", "logback_events_total"));
    }
}
