package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.task.infra.RedisTaskStore;
import com.distpatterns.task.infra.TaskTopology;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A task message delivered again after its task reached a final state (SUCCESS, FAILURE, REVOKED) is settled
 * without running the task: {@code attempts}, the recorded starts and the stored outcome stay as they were, and
 * any repeated announcement is the same event (docs/tasks.md, "No double finish").
 *
 * <p>The copies are the very messages the API published, taken off the work queue while the consumers are
 * stopped and put back by hand. One consumer with a prefetch of one takes them in queue order, so once a marker
 * task published after a copy has succeeded, the copy has been settled: no waiting on time.
 */
class RedeliveryAfterFinishTest {

    private static Scratch scratch;
    private static TaskServiceInstance service;
    private static Http http;
    private static SimpleMessageListenerContainer consumers;
    private static RabbitTemplate rabbit;
    private static TaskTopology topology;
    private static Queue events;

    @BeforeAll
    static void start() {
        scratch = new Scratch();
        service = TaskServiceInstance.start(scratch, "api,worker",
                Map.of("tasks.worker.concurrency", "1", "tasks.worker.prefetch", "1"));
        http = service.http();
        consumers = service.context().getBean("taskListenerContainer", SimpleMessageListenerContainer.class);
        rabbit = service.context().getBean("taskTemplate", RabbitTemplate.class);
        topology = service.bean(TaskTopology.class);
        events = new Queue(scratch.prefix() + ".redelivery-events");
        scratch.ownQueues(List.of(events.getName()));
        AmqpAdmin admin = service.bean(AmqpAdmin.class);
        admin.declareQueue(events);
        admin.declareBinding(new Binding(events.getName(), Binding.DestinationType.QUEUE, CloudEventMessages.EXCHANGE,
                "task.*", Map.of()));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        scratch.close();
    }

    @BeforeEach
    void holdDeliveries() {
        consumers.stop();
    }

    @AfterEach
    void resumeDeliveries() {
        consumers.start();
    }

    @Test
    void aMessageDeliveredAgainAfterSuccessIsAcknowledgedWithoutRunning() {
        Message task = submitAndTake("{\"type\":\"transform\",\"args\":{\"items\":[1,2,3]}}");
        String id = task.getMessageProperties().getMessageId();
        deliver(task);
        JsonNode finished = awaitStatus(id, "SUCCESS");
        assertThat(finished.get("attempts").asInt()).isEqualTo(1);
        String starts = taskField(id, "starts");

        deliverAgainAndSettle(task);

        JsonNode after = http.get("/api/tasks/" + id).json();
        assertThat(after.get("status").asString()).isEqualTo("SUCCESS");
        assertThat(after.get("attempts").asInt()).as("attempts after the copy after SUCCESS").isEqualTo(1);
        assertThat(taskField(id, "starts")).as("starts recorded for the task").isEqualTo(starts);
        assertThat(after.get("result")).as("the result (its timestamps are those of the one run)")
                .isEqualTo(finished.get("result"));
        assertThat(after.get("updatedAt").asString()).isEqualTo(finished.get("updatedAt").asString());
        assertWorkQueueEmpty();
        assertThat(deadLettered(id, 1, Duration.ofSeconds(2))).as("copies dead-lettered").isEmpty();
        assertOneDistinctEvent(id, "task.succeeded", 1);
    }

    @Test
    void aMessageDeliveredAgainAfterFailureGoesToTheDeadLetterQueueWithoutRunning() {
        Message task = submitAndTake("{\"type\":\"flaky\",\"args\":{\"failures\":1},\"maxRetries\":0}");
        String id = task.getMessageProperties().getMessageId();
        deliver(task);
        JsonNode finished = awaitStatus(id, "FAILURE");
        assertThat(finished.get("attempts").asInt()).isEqualTo(1);
        assertThat(deadLettered(id, 1, Duration.ofSeconds(10))).as("the failed delivery, dead-lettered").hasSize(1);
        String starts = taskField(id, "starts");

        deliverAgainAndSettle(task);

        JsonNode after = http.get("/api/tasks/" + id).json();
        assertThat(after.get("status").asString()).isEqualTo("FAILURE");
        assertThat(after.get("attempts").asInt()).as("attempts after the copy after FAILURE").isEqualTo(1);
        assertThat(taskField(id, "starts")).as("starts recorded for the task").isEqualTo(starts);
        assertThat(after.get("error").asString()).isEqualTo(finished.get("error").asString());
        assertThat(after.get("updatedAt").asString()).isEqualTo(finished.get("updatedAt").asString());
        assertWorkQueueEmpty();
        assertThat(deadLettered(id, 1, Duration.ofSeconds(10))).as("the copy, dead-lettered as docs/tasks.md says")
                .hasSize(1);
        assertOneDistinctEvent(id, "task.failed", 1);
    }

    @Test
    void aMessageDeliveredAfterRevokeAndAgainIsAcknowledgedWithoutRunning() {
        Message task = submitAndTake("{\"type\":\"sleep\",\"args\":{\"ms\":0}}");
        String id = task.getMessageProperties().getMessageId();
        assertThat(http.delete("/api/tasks/" + id).status()).isEqualTo(202);
        JsonNode revoked = http.get("/api/tasks/" + id).json();
        assertThat(revoked.get("status").asString()).isEqualTo("REVOKED");

        deliverAgainAndSettle(task, task);

        JsonNode after = http.get("/api/tasks/" + id).json();
        assertThat(after.get("status").asString()).isEqualTo("REVOKED");
        assertThat(after.get("attempts").asInt()).as("attempts after two deliveries after REVOKED").isZero();
        assertThat(taskField(id, "starts")).as("starts recorded for the task").isNull();
        assertThat(after.get("updatedAt").asString()).isEqualTo(revoked.get("updatedAt").asString());
        assertWorkQueueEmpty();
        assertThat(deadLettered(id, 1, Duration.ofSeconds(2))).as("copies dead-lettered").isEmpty();
        assertOneDistinctEvent(id, "task.revoked", 0);
    }

    /** Submits a task while the consumers are stopped and takes its message off the work queue. */
    private static Message submitAndTake(String body) {
        Http.Reply accepted = http.post("/api/tasks", body);
        assertThat(accepted.status()).isEqualTo(202);
        return take(accepted.field("id"));
    }

    private static Message take(String id) {
        Message message = rabbit.receive(topology.workQueue(), 5_000);
        assertThat(message).as("the message of task " + id + " on the work queue").isNotNull();
        assertThat(message.getMessageProperties().getMessageId()).isEqualTo(id);
        return message;
    }

    /** Puts a message on the work queue and lets the worker take it. */
    private static void deliver(Message message) {
        rabbit.send(topology.exchange(), TaskTopology.WORK_KEY, message);
        consumers.start();
    }

    /**
     * Publishes the copies and then a marker task on one channel (so in that order), lets the single consumer take
     * them, and returns once the marker succeeded: every copy has been settled by then. Stops the consumers again,
     * so that a copy not acknowledged would be back on the queue.
     */
    private static void deliverAgainAndSettle(Message... copies) {
        consumers.stop();
        Message marker = submitAndTake("{\"type\":\"sleep\",\"args\":{\"ms\":0}}");
        rabbit.invoke(channel -> {
            for (Message copy : copies) {
                channel.send(topology.exchange(), TaskTopology.WORK_KEY, copy);
            }
            channel.send(topology.exchange(), TaskTopology.WORK_KEY, marker);
            return null;
        });
        consumers.start();
        awaitStatus(marker.getMessageProperties().getMessageId(), "SUCCESS");
        consumers.stop();
    }

    private static void assertWorkQueueEmpty() {
        assertThat(service.bean(AmqpAdmin.class).getQueueInfo(topology.workQueue()).getMessageCount())
                .as("messages left on the work queue (a copy not acknowledged would be back)").isZero();
    }

    /** The task's messages that reach the dead-letter queue within the wait, taken off it; stops at {@code max}. */
    private static List<Message> deadLettered(String id, int max, Duration wait) {
        List<Message> found = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (found.size() < max && System.nanoTime() < deadline) {
            Message message = rabbit.receive(topology.deadLetterQueue(), 200);
            if (message != null && id.equals(message.getMessageProperties().getMessageId())) {
                found.add(message);
            }
        }
        return found;
    }

    /**
     * Every event about the task arrives until the queue has been quiet for two seconds: of the given type only,
     * and, announced again or not, one event (same id, same data).
     */
    private static void assertOneDistinctEvent(String id, String type, int attempts) {
        List<JsonNode> received = new ArrayList<>();
        Message message;
        while ((message = rabbit.receive(events.getName(), 2_000)) != null) {
            JsonNode event = Http.json().readTree(message.getBody());
            if (id.equals(event.get("data").get("id").asString())) {
                received.add(event);
            }
        }
        assertThat(received).as("events about task " + id).isNotEmpty()
                .allSatisfy(event -> assertThat(event.get("type").asString()).isEqualTo(type));
        Set<String> distinct = received.stream().map(event -> event.get("id").asString() + " " + event.get("data"))
                .collect(Collectors.toSet());
        assertThat(distinct).as("distinct " + type + " events (id and data) for task " + id).hasSize(1);
        assertThat(received.getFirst().get("data").get("attempts").asInt()).as("attempts the event reports")
                .isEqualTo(attempts);
    }

    private static JsonNode awaitStatus(String id, String status) {
        await("task " + id + " to be " + status).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(http.get("/api/tasks/" + id).field("status")));
        return http.get("/api/tasks/" + id).json();
    }

    private static String taskField(String id, String field) {
        Object value = service.bean(StringRedisTemplate.class).opsForHash()
                .get(service.bean(RedisTaskStore.class).taskKey(id), field);
        return value == null ? null : value.toString();
    }
}
