package com.distpatterns.gateway.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The accepted API keys, held only as SHA-256 digests and compared in constant time, so that neither memory
 * dumps nor response timing give a key away.
 */
public final class ApiKeys {

  private final List<byte[]> digests;

  public ApiKeys(List<String> keys) {
    this.digests = keys.stream().map(ApiKeys::sha256).toList();
  }

  /** An open gateway has no keys and lets every call through. */
  public boolean open() {
    return digests.isEmpty();
  }

  /**
   * The client identity of a presented key: a short digest prefix that is safe to use in Redis keys and logs,
   * or empty when the key is not one of ours.
   */
  public Optional<String> identify(String presented) {
    if (presented == null || presented.isEmpty()) {
      return Optional.empty();
    }
    byte[] digest = sha256(presented);
    boolean known = false;
    for (byte[] candidate : digests) {
      known |= MessageDigest.isEqual(candidate, digest);
    }
    return known ? Optional.of(HexFormat.of().formatHex(digest, 0, 8)) : Optional.empty();
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
  }
}
