package com.distpatterns.platform.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Looks up the addresses a host name stands for. */
public interface HostResolver {

    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's own resolver (and its cache), the one the JDK's HTTP client uses too. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
