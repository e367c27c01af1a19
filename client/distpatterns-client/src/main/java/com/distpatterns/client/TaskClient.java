package com.distpatterns.client;

import com.distpatterns.client.Transport.Call;
import com.distpatterns.client.Transport.Repeat;
import com.distpatterns.client.Transport.Response;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * task-service from code. So far the remote procedure call: one task of any type (built-in, http or pull) run
 * and answered within a deadline. Submitting tasks with a result future, batches and {@code @TaskHandler} are
 * still to come (docs/client.md).
 */
public final class TaskClient {

  private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
  private static final long MAX_TIMEOUT_MS = 60_000;

  private record RpcRequest(Object args, long timeoutMs) {
  }

  private record RpcAnswer(String type, JsonNode result) {
  }

  private final Transport transport;

  TaskClient(Transport transport) {
    this.transport = transport;
  }

  /**
   * Runs one task of {@code type} with {@code args} and returns its result as {@code resultType}.
   *
   * @param timeout how long the suite waits for the task (1 ms .. 60 s); a task not started by then is revoked
   * @throws ProblemException.InvalidRequestException 422 when the task's handler failed it, 400 for bad args
   * @throws ProblemException.UnavailableException 504 when no answer came in time
   * @throws ProblemException.NotFoundException for an unknown type
   */
  public <T> T call(String type, Object args, Duration timeout, Type resultType) {
    JsonNode result = call(type, args, timeout);
    return transport.json().treeToValue(result, transport.json().constructType(resultType));
  }

  /** {@link #call(String, Object, Duration, Type)} with the result as JSON. */
  public JsonNode call(String type, Object args, Duration timeout) {
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("task types are [a-z0-9][a-z0-9_.-]{0,63}, was '" + type + "'");
    }
    long ms = timeout.toMillis();
    if (ms < 1 || ms > MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException("an RPC timeout is 1 ms .. 60 s, was " + timeout);
    }
    // The HTTP call waits for the task: its bound is the task's deadline plus the usual request bound.
    Response answer = transport.sendUninterruptibly(new Call("POST", "/api/rpc/" + type, new RpcRequest(args, ms),
        transport.settings().requestTimeout().plus(timeout), Repeat.ONLY_IF_NOT_SENT));
    return transport.read(transport.expect(answer, 200), RpcAnswer.class).result();
  }
}
