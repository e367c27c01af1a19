package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.distpatterns.platform.test.DisabledOnRedisCluster;
import com.distpatterns.platform.test.Endpoint;
import com.distpatterns.platform.test.TcpProxy;
import com.distpatterns.platform.test.TestInfrastructure;
import com.distpatterns.task.infra.TaskTopology;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import tools.jackson.databind.JsonNode;

/**
 * A worker that loses Redis holds the task it was given instead of requeueing it: every requeue would count
 * towards the queue's delivery limit, and a long enough outage would dead-letter a task the client was told was
 * accepted.
 */
@DisabledOnRedisCluster("the worker's Redis is cut through a TcpProxy, which stands for one server")
class WorkerOutageTest {

    /** Two deliveries at most: a worker that requeued on every failed attempt would dead-letter within seconds. */
    private static final Map<String, String> LOW_DELIVERY_LIMIT = Map.of("tasks.worker.delivery-limit", "2");

    @Test
    void aTaskDeliveredWhileRedisIsUnreachableWaitsForItAndSucceedsOnce() throws Exception {
        Endpoint redis = TestInfrastructure.redis();
        try (Scratch scratch = new Scratch();
                TcpProxy workersRedis = new TcpProxy(redis.host(), redis.port());
                TaskServiceInstance api = TaskServiceInstance.start(scratch, "api", LOW_DELIVERY_LIMIT);
                TaskServiceInstance worker = TaskServiceInstance.start(scratch, "worker", Map.of(
                        "tasks.worker.delivery-limit", "2",
                        "spring.data.redis.port", Integer.toString(workersRedis.port()),
                        "spring.data.redis.timeout", "1s"))) {
            assertThat(worker.context().getEnvironment().getProperty("spring.data.redis.port"))
                    .as("the worker reaches Redis through the proxy alone")
                    .isEqualTo(Integer.toString(workersRedis.port()));
            Http http = api.http();
            TaskTopology topology = api.bean(TaskTopology.class);
            AmqpAdmin admin = api.bean(AmqpAdmin.class);

            workersRedis.cut();
            JsonNode accepted = http.post("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":10},\"maxRetries\":0}")
                    .json();
            String id = accepted.get("id").asString();

            await("the worker to take the task").atMost(Duration.ofSeconds(30))
                    .until(() -> messages(admin, topology.workQueue()) == 0);
            // Long enough for several failed attempts (1 s Redis timeout each): requeueing would have used up both
            // deliveries and dead-lettered the task by now.
            Thread.sleep(8_000);
            assertThat(messages(admin, topology.deadLetterQueue())).as("dead-lettered during the outage").isZero();
            assertThat(http.get("/api/tasks/" + id).field("status")).isEqualTo("PENDING");

            workersRedis.restore();
            await("the held task to finish once Redis is back").atMost(Duration.ofSeconds(60))
                    .until(() -> "SUCCESS".equals(http.get("/api/tasks/" + id).field("status")));
            JsonNode task = http.get("/api/tasks/" + id).json();
            assertThat(task.get("attempts").asInt()).isEqualTo(1);
            assertThat(task.get("result").asString()).isEqualTo("3628800");
            assertThat(messages(admin, topology.deadLetterQueue())).isZero();
            assertThat(messages(admin, topology.workQueue())).isZero();
        }
    }

    private static long messages(AmqpAdmin admin, String queue) {
        QueueInformation information = admin.getQueueInfo(queue);
        return information == null ? 0 : information.getMessageCount();
    }
}
