package com.distpatterns.platform.service;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP edge every servlet service shares.
 *
 * @param maxRequestBody the largest {@code @RequestBody} a service reads; a larger one is 413
 */
@ConfigurationProperties("platform.http")
public record PlatformHttpProperties(@DefaultValue("1MB") DataSize maxRequestBody) {}
