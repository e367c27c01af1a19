package com.distpatterns.lock.infra;

import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.springframework.data.redis.connection.RedisConnection;

/**
 * A Lua script run by its SHA-1 (EVALSHA), sending the body only when the server does not know it yet.
 *
 * <p>It runs on Lettuce's asynchronous commands and waits for the reply without a timeout of its own: Lettuce
 * already expires every command after the connection's timeout (its {@code TimeoutOptions}, which
 * {@code LockConfiguration} checks at start-up). Spring Data's blocking call would add a second, timed wait, and
 * a timed park of a virtual thread wakes the JDK's timer thread twice (once to arm the timer, once to cancel it):
 * together with the waiting room's timed parks, about a third of the service's context switches per hand-off.
 */
final class LuaScript {

  private final String name;
  private final byte[] body;
  private final String sha1;

  private LuaScript(String name, byte[] body) {
    this.name = name;
    this.body = body;
    this.sha1 = sha1Hex(body);
  }

  static LuaScript load(String name) {
    String resource = "/scripts/" + name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + resource);
      }
      return new LuaScript(name, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  String name() {
    return name;
  }

  String sha1() {
    return sha1;
  }

  String body() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * Runs the script and returns its array reply; {@code keysAndArgs} holds the {@code numKeys} keys first, then
   * the arguments.
   */
  List<?> run(RedisConnection connection, int numKeys, byte[]... keysAndArgs) {
    @SuppressWarnings("unchecked")
    RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
    byte[][] keys = Arrays.copyOfRange(keysAndArgs, 0, numKeys);
    byte[][] args = Arrays.copyOfRange(keysAndArgs, numKeys, keysAndArgs.length);
    try {
      return await(commands.evalsha(sha1, ScriptOutputType.MULTI, keys, args));
    } catch (RedisNoScriptException e) {
      // First use on this server (or after SCRIPT FLUSH / a failover): EVAL caches it for the next calls.
      return await(commands.eval(body, ScriptOutputType.MULTI, keys, args));
    }
  }

  private static List<?> await(RedisFuture<List<Object>> reply) {
    try {
      return reply.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply.cancel(true);
      throw new RedisCommandInterruptedException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static String sha1Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }
}
