package com.distpatterns.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.distpatterns.client.ClientSettings;
import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.KvClient;
import com.distpatterns.client.ProblemException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link KvClient} against the consensus cluster, and an RPC to task-service, through the gateway. */
@ExtendWith(SharedSuite.class)
@Order(3)
class ClientKvIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static DistpatternsClient client;
    static KvClient kv;

    record Color(String name, List<Integer> rgb) {}

    @BeforeAll
    static void connect() {
        client = DistpatternsClient.create(ClientSettings.of(SharedSuite.gateway("kv"), SharedSuite.KEY));
        kv = client.kv();
        // The cluster elects its leader after the suite answers: wait for the first write.
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> kv.put("client-ready-" + RUN, 1) != null);
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void putGetDeleteOfATypedValue() {
        String key = "client/color-" + RUN; // a slash travels encoded
        KvClient.Entry written = kv.put(key, new Color("teal", List.of(0, 128, 128)));
        assertThat(written.version()).isEqualTo(1);
        assertThat(kv.get(key, Color.class)).contains(new Color("teal", List.of(0, 128, 128)));
        assertThat(kv.get(key, KvClient.Consistency.LOCAL)).isPresent();
        assertThat(kv.delete(key)).isTrue();
        assertThat(kv.get(key)).isEmpty();
        assertThat(kv.delete(key)).isFalse();
    }

    @Test
    void compareAndSetSucceedsOnlyOnTheExpectedValue() {
        String key = "client-cas-" + RUN;
        assertThat(kv.compareAndSet(key, null, "first").succeeded()).as("absent as expected").isTrue();
        KvClient.CasResult refused = kv.compareAndSet(key, null, "second");
        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.value().asString()).isEqualTo("first");
        assertThat(kv.compareAndSet(key, "first", "second").succeeded()).isTrue();
        assertThat(kv.get(key, String.class)).contains("second");
    }

    @Test
    void aConditionalPutSeesTheRevision() {
        String key = "client-rev-" + RUN;
        KvClient.Entry first = kv.putIf(key, 1, 0).orElseThrow();
        assertThat(kv.putIf(key, 2, 0)).as("no longer absent").isEmpty();
        assertThat(kv.putIf(key, 2, first.modRevision())).isPresent();
        assertThat(kv.putIf(key, 3, first.modRevision())).as("stale revision").isEmpty();
    }

    @Test
    void aTaskTypeIsCalledAsAProcedure() {
        record Slept(long sleptMs) {}
        Slept slept = client.tasks().call("sleep", java.util.Map.of("ms", 20), Duration.ofSeconds(10), Slept.class);
        assertThat(slept).isEqualTo(new Slept(20));
        assertThatThrownBy(() -> client.tasks().call("sleep", java.util.Map.of("ms", -1), Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ProblemException.InvalidRequestException.class,
                        problem -> assertThat(problem.detail()).isNotBlank());
    }

    @Test
    void badInputIsATypedProblem() {
        assertThatThrownBy(() -> kv.put("x".repeat(600), 1))
                .isInstanceOfSatisfying(ProblemException.InvalidRequestException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(400);
                    assertThat(problem.detail()).isNotBlank();
                });
    }
}
