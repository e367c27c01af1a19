package com.distpatterns.cache.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;

/** A Lua script from {@code classpath:scripts/}, run by its SHA-1 and sent whole only when Redis does not know it yet. */
final class LuaScript {

  private final String name;
  private final byte[] body;
  private final String sha1;

  private LuaScript(String name, byte[] body) {
    this.name = name;
    this.body = body;
    this.sha1 = sha1(body);
  }

  static LuaScript load(String name) {
    String resource = "scripts/" + name + ".lua";
    try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing classpath resource " + resource);
      }
      return new LuaScript(name, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  <T> T run(RedisConnection connection, ReturnType returns, int numKeys, byte[]... keysAndArgs) {
    try {
      return connection.scriptingCommands().evalSha(sha1, returns, numKeys, keysAndArgs);
    } catch (RuntimeException e) {
      if (!isNoScript(e)) {
        throw e;
      }
      // After a Redis restart or failover the script cache is empty: EVAL loads it again.
      return connection.scriptingCommands().eval(body, returns, numKeys, keysAndArgs);
    }
  }

  private static boolean isNoScript(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains("NOSCRIPT")) {
        return true;
      }
    }
    return false;
  }

  private static String sha1(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }
}
