package com.distpatterns.event.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Looks up the addresses a host name stands for. */
public interface HostResolver {

  List<InetAddress> resolve(String host) throws UnknownHostException;
}
