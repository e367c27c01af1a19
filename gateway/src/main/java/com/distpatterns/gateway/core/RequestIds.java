package com.distpatterns.gateway.core;

import java.util.UUID;
import java.util.regex.Pattern;

/** Request ids: a caller's own is kept when it is a sane token, otherwise a fresh one is made. */
public final class RequestIds {

  public static final String HEADER = "X-Request-Id";

  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  public static String keepOrCreate(String incoming) {
    return incoming != null && SANE.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
  }
}
