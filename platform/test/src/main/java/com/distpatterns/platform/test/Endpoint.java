package com.distpatterns.platform.test;

/** Where a test reaches a server: host and port. */
public record Endpoint(String host, int port) {

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
