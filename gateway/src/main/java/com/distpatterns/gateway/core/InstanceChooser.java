package com.distpatterns.gateway.core;

import org.springframework.cloud.client.ServiceInstance;

/** Picks the instance of a service that the next call goes to. */
@FunctionalInterface
public interface InstanceChooser {

    /** An instance of {@code serviceId}, or null when none is registered. */
    ServiceInstance choose(String serviceId);
}
