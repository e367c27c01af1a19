package com.distpatterns.platform.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * The one place that decides where tests find Redis and RabbitMQ: containers when a Docker engine answers,
 * otherwise the local servers. {@code TEST_INFRASTRUCTURE=containers|local} (or the system property
 * {@code test.infrastructure}) forces a choice.
 *
 * <p>{@code TEST_REDIS=cluster} (or {@code -Dtest.redis=cluster}) points every test at a Redis Cluster instead:
 * the nodes of {@code TEST_REDIS_CLUSTER_NODES} ({@code -Dtest.redis.cluster.nodes}), by default the three masters
 * {@code scripts/redis-cluster.sh start} runs on 127.0.0.1:7379-7381. Tests that cannot run there (they take Redis
 * away through a {@link TcpProxy}, which stands for one node only) say so with {@link DisabledOnRedisCluster}.
 *
 * <p>Spring tests get this automatically; the static methods are for tests that start extra application
 * contexts or separate JVMs and must hand them the same servers.
 */
public final class TestInfrastructure {

    private static final Endpoint LOCAL_REDIS = new Endpoint("127.0.0.1", 6379);
    private static final Endpoint LOCAL_RABBIT = new Endpoint("127.0.0.1", 5672);

    private static final String DEFAULT_CLUSTER_NODES = "127.0.0.1:7379,127.0.0.1:7380,127.0.0.1:7381";

    private static volatile InfrastructureMode mode;

    private TestInfrastructure() {}

    public static InfrastructureMode mode() {
        InfrastructureMode current = mode;
        if (current == null) {
            synchronized (TestInfrastructure.class) {
                if (mode == null) {
                    mode = decide();
                }
                current = mode;
            }
        }
        return current;
    }

    /** Whether the tests run against a Redis Cluster ({@code TEST_REDIS=cluster}) rather than one Redis. */
    public static boolean redisCluster() {
        String redis = System.getProperty("test.redis", System.getenv().getOrDefault("TEST_REDIS", "single"));
        return switch (redis.toLowerCase(Locale.ROOT)) {
            case "cluster" -> true;
            case "single", "" -> false;
            default -> throw new IllegalStateException("TEST_REDIS must be single or cluster, not '" + redis + "'");
        };
    }

    /** The seed nodes of the test Redis Cluster, each checked to answer. */
    public static List<Endpoint> redisClusterNodes() {
        String nodes = System.getProperty("test.redis.cluster.nodes",
                System.getenv().getOrDefault("TEST_REDIS_CLUSTER_NODES", DEFAULT_CLUSTER_NODES));
        return Arrays.stream(nodes.split(",")).map(String::strip).filter(node -> !node.isEmpty()).map(node -> {
            int colon = node.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalStateException("TEST_REDIS_CLUSTER_NODES wants host:port,..., not '" + nodes + "'");
            }
            return requireReachable("Redis Cluster node",
                    new Endpoint(node.substring(0, colon), Integer.parseInt(node.substring(colon + 1))),
                    " Start the cluster: scripts/redis-cluster.sh start.");
        }).toList();
    }

    /**
     * The one Redis server of the tests. There is none on a Redis Cluster: a test that needs one server (to proxy
     * it, to stop it) is marked {@link DisabledOnRedisCluster}.
     */
    public static Endpoint redis() {
        if (redisCluster()) {
            throw new IllegalStateException("this test reaches one Redis server, and the tests run on a Redis Cluster"
                    + " (TEST_REDIS=cluster): mark it @DisabledOnRedisCluster");
        }
        return mode() == InfrastructureMode.CONTAINERS ? SharedContainers.Redis.endpoint()
                : requireReachable("Redis", LOCAL_REDIS);
    }

    public static Endpoint rabbit() {
        return mode() == InfrastructureMode.CONTAINERS ? SharedContainers.Rabbit.endpoint()
                : requireReachable("RabbitMQ", LOCAL_RABBIT);
    }

    /** Spring properties that point an application context started by hand at the test Redis. */
    public static Map<String, String> redisProperties() {
        if (redisCluster()) {
            return Map.of("spring.data.redis.cluster.nodes",
                    String.join(",", redisClusterNodes().stream().map(Endpoint::toString).toList()));
        }
        Endpoint redis = redis();
        return Map.of("spring.data.redis.host", redis.host(), "spring.data.redis.port", Integer.toString(redis.port()));
    }

    /** Spring properties that point an application context started by hand at the test RabbitMQ. */
    public static Map<String, String> rabbitProperties() {
        Endpoint rabbit = rabbit();
        String user = mode() == InfrastructureMode.CONTAINERS ? SharedContainers.Rabbit.CONTAINER.getAdminUsername()
                : "guest";
        String password = mode() == InfrastructureMode.CONTAINERS ? SharedContainers.Rabbit.CONTAINER.getAdminPassword()
                : "guest";
        return Map.of(
                "spring.rabbitmq.host", rabbit.host(),
                "spring.rabbitmq.port", Integer.toString(rabbit.port()),
                "spring.rabbitmq.username", user,
                "spring.rabbitmq.password", password);
    }

    private static InfrastructureMode decide() {
        String forced = System.getProperty("test.infrastructure",
                System.getenv().getOrDefault("TEST_INFRASTRUCTURE", "auto"));
        return switch (forced.toLowerCase(Locale.ROOT)) {
            case "containers" -> InfrastructureMode.CONTAINERS;
            case "local" -> InfrastructureMode.LOCAL;
            case "auto" -> dockerAvailable() ? InfrastructureMode.CONTAINERS : InfrastructureMode.LOCAL;
            default -> throw new IllegalStateException(
                    "TEST_INFRASTRUCTURE must be auto, containers or local, not '" + forced + "'");
        };
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static Endpoint requireReachable(String what, Endpoint endpoint) {
        return requireReachable(what, endpoint,
                " Start it (bash .ci/run starts both, or: sudo apt-get install redis-server rabbitmq-server)"
                        + " or run a Docker engine so the tests use Testcontainers.");
    }

    private static Endpoint requireReachable(String what, Endpoint endpoint, String advice) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 2_000);
            return endpoint;
        } catch (IOException e) {
            throw new IllegalStateException(what + " is not reachable at " + endpoint + "." + advice, e);
        }
    }
}
