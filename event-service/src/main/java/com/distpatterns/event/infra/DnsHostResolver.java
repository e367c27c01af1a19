package com.distpatterns.event.infra;

import com.distpatterns.event.core.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** The JVM's own resolver (and its cache), the one the webhook HTTP client uses too. */
public final class DnsHostResolver implements HostResolver {

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    return List.of(InetAddress.getAllByName(host));
  }
}
