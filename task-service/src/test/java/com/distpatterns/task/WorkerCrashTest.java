package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import tools.jackson.databind.JsonNode;

/**
 * Acks late, for real: a worker JVM is killed with SIGKILL in the middle of a task; the broker gives the message
 * to another worker, which finishes it, and the task succeeds exactly once.
 */
class WorkerCrashTest {

    @Test
    void aWorkerKilledMidTaskLosesNothingAndTheTaskSucceedsExactlyOnceElsewhere() throws Exception {
        int childPort = freePort();
        try (Scratch scratch = new Scratch()) {
            // The worker JVM to be killed starts while this JVM brings up the API and a standby worker.
            Process child = startWorkerJvm(scratch, childPort);
            try (TaskServiceInstance api = TaskServiceInstance.start(scratch, "api", Map.of());
                    TaskServiceInstance standby = TaskServiceInstance.start(scratch, "worker", Map.of())) {
                SimpleMessageListenerContainer standbyConsumers = standby.context().getBean("taskListenerContainer",
                        SimpleMessageListenerContainer.class);
                standbyConsumers.stop();
                Http http = api.http();
                Queue succeededEvents = listenTo(api, scratch, "task.succeeded");

                String id;
                try {
                    Http childHttp = new Http(childPort);
                    await("the worker JVM to be ready").atMost(Duration.ofSeconds(180))
                            .pollInterval(Duration.ofSeconds(1))
                            .ignoreExceptions()
                            .until(() -> childHttp.get("/actuator/health/readiness").status() == 200);
                    assertThat(childHttp.get("/api/tasks/anything").status()).as("a worker serves no task API")
                            .isEqualTo(404);
                    assertThat(childHttp.get("/actuator/prometheus").text()).contains("application=\"task-worker\"");

                    id = http.post("/api/tasks", "{\"type\":\"sleep\",\"args\":{\"ms\":4000}}").field("id");
                    await("the worker JVM to start the task").atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> "STARTED".equals(http.get("/api/tasks/" + id).field("status")));
                    child.destroyForcibly();
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                } finally {
                    child.destroyForcibly();
                }
                assertThat(http.get("/api/tasks/" + id).field("status")).isEqualTo("STARTED");

                standbyConsumers.start();
                await("another worker to finish the task").atMost(Duration.ofSeconds(90))
                        .until(() -> "SUCCESS".equals(http.get("/api/tasks/" + id).field("status")));
                JsonNode task = http.get("/api/tasks/" + id).json();
                assertThat(task.get("attempts").asInt()).as("started by the killed worker, then by the standby")
                        .isEqualTo(2);
                assertThat(task.get("result").get("sleptMs").asInt()).isEqualTo(4000);

                List<JsonNode> announcements = drain(api, succeededEvents, id);
                assertThat(announcements).as("task.succeeded events for the task").hasSize(1);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static Process startWorkerJvm(Scratch scratch, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dsun.misc.unsafe.memory.access=allow", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                TaskServiceApplication.class.getName(),
                "--tasks.roles=worker",
                "--server.port=" + port,
                "--tasks.worker.concurrency=1",
                "--spring.main.banner-mode=off"));
        scratch.properties().forEach((key, value) -> command.add("--" + key + "=" + value));
        File log = new File("target/worker-crash-child.log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static Queue listenTo(TaskServiceInstance api, Scratch scratch, String routingKey) {
        AmqpAdmin admin = api.bean(AmqpAdmin.class);
        Queue queue = new Queue(scratch.prefix() + ".crash-events");
        scratch.ownQueues(List.of(queue.getName()));
        admin.declareQueue(queue);
        admin.declareBinding(new Binding(queue.getName(), Binding.DestinationType.QUEUE, CloudEventMessages.EXCHANGE,
                routingKey, Map.of()));
        return queue;
    }

    /** Every event about the task that arrives until the queue has been quiet for two seconds. */
    private static List<JsonNode> drain(TaskServiceInstance api, Queue queue, String taskId) {
        RabbitTemplate rabbit = api.context().getBean("taskTemplate", RabbitTemplate.class);
        List<JsonNode> events = new ArrayList<>();
        Message message;
        while ((message = rabbit.receive(queue.getName(), 2_000)) != null) {
            JsonNode event = Http.json().readTree(message.getBody());
            if (taskId.equals(event.get("data").get("id").asString())) {
                events.add(event);
            }
        }
        return events;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
