package com.distpatterns.platform.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * The one place that decides where tests find Redis and RabbitMQ: containers when a Docker engine answers,
 * otherwise the local servers. {@code TEST_INFRASTRUCTURE=containers|local} (or the system property
 * {@code test.infrastructure}) forces a choice.
 *
 * <p>Spring tests get this automatically; the static methods are for tests that start extra application
 * contexts or separate JVMs and must hand them the same servers.
 */
public final class TestInfrastructure {

  private static final Endpoint LOCAL_REDIS = new Endpoint("127.0.0.1", 6379);
  private static final Endpoint LOCAL_RABBIT = new Endpoint("127.0.0.1", 5672);

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

  public static Endpoint redis() {
    return mode() == InfrastructureMode.CONTAINERS ? SharedContainers.Redis.endpoint() : requireReachable("Redis", LOCAL_REDIS);
  }

  public static Endpoint rabbit() {
    return mode() == InfrastructureMode.CONTAINERS ? SharedContainers.Rabbit.endpoint() : requireReachable("RabbitMQ", LOCAL_RABBIT);
  }

  /** Spring properties that point an application context started by hand at the test Redis. */
  public static Map<String, String> redisProperties() {
    Endpoint redis = redis();
    return Map.of("spring.data.redis.host", redis.host(), "spring.data.redis.port", Integer.toString(redis.port()));
  }

  /** Spring properties that point an application context started by hand at the test RabbitMQ. */
  public static Map<String, String> rabbitProperties() {
    Endpoint rabbit = rabbit();
    String user = mode() == InfrastructureMode.CONTAINERS ? SharedContainers.Rabbit.CONTAINER.getAdminUsername() : "guest";
    String password = mode() == InfrastructureMode.CONTAINERS ? SharedContainers.Rabbit.CONTAINER.getAdminPassword() : "guest";
    return Map.of(
        "spring.rabbitmq.host", rabbit.host(),
        "spring.rabbitmq.port", Integer.toString(rabbit.port()),
        "spring.rabbitmq.username", user,
        "spring.rabbitmq.password", password);
  }

  private static InfrastructureMode decide() {
    String forced = System.getProperty("test.infrastructure", System.getenv().getOrDefault("TEST_INFRASTRUCTURE", "auto"));
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
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 2_000);
      return endpoint;
    } catch (IOException e) {
      throw new IllegalStateException(what + " is not reachable at " + endpoint + " and no Docker engine is available."
          + " Start it (bash .ci/run starts both, or: sudo apt-get install redis-server rabbitmq-server)"
          + " or run a Docker engine so the tests use Testcontainers.", e);
    }
  }
}
