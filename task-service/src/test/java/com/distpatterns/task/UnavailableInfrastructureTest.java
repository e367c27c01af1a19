package com.distpatterns.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.platform.test.TestInfrastructure;
import com.distpatterns.task.infra.TaskTopology;
import com.distpatterns.task.support.Http;
import com.distpatterns.task.support.Scratch;
import com.distpatterns.task.support.TaskServiceInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/** With RabbitMQ or Redis unreachable, a submission is refused with 503 and leaves nothing behind. */
class UnavailableInfrastructureTest {

    @Test
    void withTheBrokerUnreachableSubmissionsAre503AndNothingIsKept() throws IOException {
        try (Scratch scratch = new Scratch();
                TaskServiceInstance api = TaskServiceInstance.start(scratch, "api",
                        Map.of("spring.rabbitmq.port", Integer.toString(closedPort())))) {
            Http http = api.http();
            for (Http.Reply reply : new Http.Reply[] {
                    http.post("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":5},\"idempotencyKey\":\"k1\"}"),
                    http.post("/api/batches", "{\"items\":[1,2,3],\"chunkSize\":1}"),
                    http.post("/api/rpc/factorial", "{\"n\":5}")}) {
                assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
                assertThat(reply.contentType()).startsWith("application/problem+json");
                assertThat(reply.field("type")).isEqualTo("/problems/broker-unavailable");
                assertThat(reply.headers().firstValue("Retry-After")).isPresent();
            }
            assertThat(keys(api, scratch)).as("task records left in Redis").isEmpty();
        }
    }

    @Test
    void withRedisUnreachableSubmissionsAre503AndNothingIsQueued() throws IOException {
        try (Scratch scratch = new Scratch();
                TaskServiceInstance api = TaskServiceInstance.start(scratch, "api", unreachableRedis())) {
            Http http = api.http();
            for (Http.Reply reply : new Http.Reply[] {
                    http.post("/api/tasks", "{\"type\":\"factorial\",\"args\":{\"n\":5}}"),
                    http.post("/api/batches", "{\"items\":[1,2,3],\"chunkSize\":1}"),
                    http.get("/api/tasks/" + UUID.randomUUID())}) {
                assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
                assertThat(reply.contentType()).startsWith("application/problem+json");
                assertThat(reply.field("type")).isEqualTo("/problems/store-unavailable");
            }
            var queue = api.bean(AmqpAdmin.class).getQueueInfo(api.bean(TaskTopology.class).workQueue());
            assertThat(queue == null ? 0 : queue.getMessageCount()).as("messages queued").isZero();
        }
    }

    private static Set<String> keys(TaskServiceInstance api, Scratch scratch) {
        Set<String> keys = new HashSet<>();
        try (Cursor<String> cursor = api.bean(StringRedisTemplate.class)
                .scan(ScanOptions.scanOptions().match(scratch.prefix() + ":*").build())) {
            cursor.forEachRemaining(keys::add);
        }
        return keys;
    }

    /** Points the service at a Redis that is not there, in the shape the tests use (one Redis or a Cluster). */
    private static Map<String, String> unreachableRedis() throws IOException {
        String port = Integer.toString(closedPort());
        return TestInfrastructure.redisCluster()
                ? Map.of("spring.data.redis.cluster.nodes", "127.0.0.1:" + port)
                : Map.of("spring.data.redis.port", port);
    }

    /** A port nothing listens on (bound a moment ago, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
