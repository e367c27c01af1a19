package com.distpatterns.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.distpatterns.client.BatchHandle;
import com.distpatterns.client.ClientSettings;
import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.ProblemException;
import com.distpatterns.client.TaskClient;
import com.distpatterns.client.TaskFailedException;
import com.distpatterns.client.TaskHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** {@link TaskClient#submit} and batches against task-service, their futures completed by the task events. */
@ExtendWith(SharedSuite.class)
@Order(6)
class ClientTasksIT {

    static DistpatternsClient client;
    static TaskClient tasks;

    record Slept(long sleptMs) {}

    @BeforeAll
    static void connect() {
        client = DistpatternsClient.create(ClientSettings.of(SharedSuite.gateway("task"), SharedSuite.KEY));
        tasks = client.tasks();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void theResultOfASubmittedTaskArrivesWithItsEvent() throws Exception {
        // 1.5 s of sleep: the one state read at submit finds it unfinished, so only its event can complete the future.
        TaskHandle slow = tasks.submit("sleep", Map.of("ms", 1500));
        TaskHandle factorial = tasks.submit("factorial", Map.of("n", 20));
        assertThat(factorial.result().get(30, TimeUnit.SECONDS).asString()).isEqualTo("2432902008176640000");
        assertThat(slow.result().isDone()).as("still sleeping").isFalse();
        assertThat(slow.result(Slept.class).get(30, TimeUnit.SECONDS)).isEqualTo(new Slept(1500));
    }

    @Test
    void aFailingTaskCompletesExceptionallyWithATypedException() {
        TaskHandle failing = tasks.submit("flaky", Map.of("failures", 3), 0);
        assertThatThrownBy(() -> failing.result().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(TaskFailedException.class, failed -> {
                    assertThat(failed.taskId()).isEqualTo(failing.id());
                    assertThat(failed.taskType()).isEqualTo("flaky");
                    assertThat(failed.status()).isEqualTo("FAILURE");
                    assertThat(failed.attempts()).isEqualTo(1);
                    assertThat(failed.error()).isNotBlank();
                });
    }

    @Test
    void aRevokedTaskCompletesExceptionallyAsRevoked() throws Exception {
        // Revocable while it waits (queued, or for its retry after the first attempt failed); 409 while it runs.
        TaskHandle retrying = tasks.submit("flaky", Map.of("failures", 1), 1);
        TaskFailedException failed = null;
        for (int attempt = 0; attempt < 50 && failed == null; attempt++) {
            try {
                retrying.revoke();
                failed = (TaskFailedException) catchCause(retrying);
            } catch (ProblemException.ConflictException running) {
                Thread.sleep(20);
            }
        }
        if (failed != null) {
            assertThat(failed.revoked()).isTrue();
        } else {
            // It ran and succeeded before any revoke found it waiting: the future says so.
            assertThat(retrying.result().get(30, TimeUnit.SECONDS).get("succeededOnAttempt").asInt()).isEqualTo(2);
        }
    }

    private static Throwable catchCause(TaskHandle handle) throws Exception {
        try {
            handle.result().get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void anUnknownTypeIsRefusedAtSubmission() {
        assertThatThrownBy(() -> tasks.submit("no-such-type", Map.of()))
                .isInstanceOf(ProblemException.InvalidRequestException.class);
    }

    @Test
    void aBatchReportsItsProgressTo100PercentAndAllResultsInOrder() throws Exception {
        List<Map<String, Integer>> args = IntStream.rangeClosed(1, 12).mapToObj(n -> Map.of("n", n)).toList();
        BatchHandle batch = tasks.submitBatch("factorial", args);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        batch.onProgress(progress -> seen.add(progress.completed()));
        List<JsonNode> results = batch.results().get(60, TimeUnit.SECONDS);

        assertThat(batch.total()).isEqualTo(12);
        assertThat(batch.progress().completed()).isEqualTo(12);
        assertThat(batch.progress().fraction()).isEqualTo(1.0);
        assertThat(batch.progress().done()).isTrue();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> seen.contains(12));
        List<String> expected = new ArrayList<>();
        java.math.BigInteger factorial = java.math.BigInteger.ONE;
        for (int n = 1; n <= 12; n++) {
            factorial = factorial.multiply(java.math.BigInteger.valueOf(n));
            expected.add(factorial.toString());
        }
        assertThat(results).extracting(JsonNode::asString).containsExactlyElementsOf(expected);
    }

    @Test
    void aBatchWithAFailedTaskCountsItAndItsFutureFails() {
        BatchHandle batch = tasks.submitBatch("flaky",
                List.of(Map.of("failures", 0), Map.of("failures", 5), Map.of("failures", 0)));
        assertThatThrownBy(() -> batch.results().get(60, TimeUnit.SECONDS))
                .cause().isInstanceOf(TaskFailedException.class);
        assertThat(batch.progress()).isEqualTo(new BatchHandle.Progress(3, 2, 1));
    }
}
