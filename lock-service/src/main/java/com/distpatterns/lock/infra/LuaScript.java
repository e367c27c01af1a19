package com.distpatterns.lock.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;

/** A Lua script run by its SHA-1 (EVALSHA), sending the body only when the server does not know it yet. */
final class LuaScript {

  private final String name;
  private final byte[] body;
  private final byte[] sha1;

  private LuaScript(String name, byte[] body) {
    this.name = name;
    this.body = body;
    this.sha1 = LockKeys.bytes(sha1Hex(body));
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
    return new String(sha1, StandardCharsets.US_ASCII);
  }

  String body() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Runs the script; {@code keysAndArgs} holds the {@code numKeys} keys first, then the arguments. */
  Object run(RedisConnection connection, ReturnType type, int numKeys, byte[]... keysAndArgs) {
    try {
      return connection.scriptingCommands().evalSha(sha1, type, numKeys, keysAndArgs);
    } catch (RuntimeException e) {
      if (!isNoScript(e)) {
        throw e;
      }
      // First use on this server (or after SCRIPT FLUSH / a failover): EVAL caches it for the next calls.
      return connection.scriptingCommands().eval(body, type, numKeys, keysAndArgs);
    }
  }

  private static boolean isNoScript(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("NOSCRIPT")) {
        return true;
      }
    }
    return false;
  }

  private static String sha1Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }
}
